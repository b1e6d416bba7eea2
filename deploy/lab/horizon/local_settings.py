# Horizon settings for the ocx lab (generated from deploy/lab/horizon/local_settings.py by deploy/lab/horizon.sh as
# @HDIR@/ocx_horizon_settings.py; DJANGO_SETTINGS_MODULE=ocx_horizon_settings).
#
# Debian's settings are loaded first (openstack_dashboard.settings with /etc/openstack-dashboard/local_settings.py
# and local_settings.d/: COMPRESS_OFFLINE, STATIC_ROOT, WEBROOT '/', locmem cache), then the lab's overrides below.
# Only settings read at request time are overridden here; WEBROOT and STATIC_URL stay Debian's, so the package's
# offline-compressed CSS/JS (manage.py compress, run by its postinst) matches.
# pylint: disable=wildcard-import,unused-wildcard-import
from openstack_dashboard.settings import *  # noqa: F401,F403

DEBUG = False
with open('@HDIR@/secret_key') as _f:
    SECRET_KEY = _f.read().strip()
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']

# Horizon logs in at the proxy's Keystone front: the catalog it gets back points at the proxy only.
OPENSTACK_KEYSTONE_URL = '@KEYSTONE_URL@'
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = 'Default'
OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT = False
OPENSTACK_ENDPOINT_TYPE = 'publicURL'
OPENSTACK_API_VERSIONS = {'identity': 3, 'image': 2, 'volume': 3, 'compute': 2}

# One mod_wsgi process: a local-memory cache is enough. Sessions live in signed cookies (no database), plain http.
CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_TIMEOUT = 3600

# The lab has no Neutron: keep Horizon from offering what needs it.
OPENSTACK_NEUTRON_NETWORK = {
    'enable_router': False,
    'enable_quotas': False,
    'enable_ipv6': False,
    'enable_distributed_router': False,
    'enable_ha_router': False,
    'enable_fip_topology_check': False,
    'enable_rbac_policy': False,
    'enable_auto_allocated_network': False,
}

# Everything Horizon and the OpenStack client libraries log (with keystoneauth's and the clients' request lines:
# method, URL, status, error bodies; tokens are shown hashed) goes to @LOGS@/horizon.log.
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {'plain': {'format': '%(asctime)s %(process)d %(thread)d %(levelname)s %(name)s %(message)s'}},
    'handlers': {
        'file': {
            'level': 'DEBUG',
            'class': 'logging.FileHandler',
            'filename': '@LOGS@/horizon.log',
            'formatter': 'plain',
        },
        'null': {'class': 'logging.NullHandler'},
    },
    'root': {'handlers': ['file'], 'level': 'INFO'},
    'loggers': {
        'keystoneauth': {'handlers': ['file'], 'level': 'DEBUG', 'propagate': False},
        'novaclient': {'handlers': ['file'], 'level': 'DEBUG', 'propagate': False},
        'cinderclient': {'handlers': ['file'], 'level': 'DEBUG', 'propagate': False},
        'glanceclient': {'handlers': ['file'], 'level': 'DEBUG', 'propagate': False},
        'django.template': {'handlers': ['file'], 'level': 'INFO', 'propagate': False},
        'django.db.backends': {'handlers': ['null'], 'propagate': False},
        'scss': {'handlers': ['null'], 'propagate': False},
        'iso8601': {'handlers': ['null'], 'propagate': False},
        'urllib3': {'handlers': ['null'], 'propagate': False},
    },
}
