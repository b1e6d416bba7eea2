#!/usr/bin/python3
"""Real Glance, Cinder and Nova (Debian 12 / Zed) for the ocx lab clouds. See docs/lab-openstack.md.

Run through deploy/lab/openstack.sh (as root, after deploy/lab/up.sh has the Keystones running):

    lab_openstack.py up     [CLOUD...]   render configs, create databases, register users and endpoints in
                                         each cloud's Keystone, start what is not running (both clouds in
                                         parallel), wait until usable, merge "openstack" into lab.json
    lab_openstack.py down   [CLOUD...]   stop the processes this script started (PID files); with no CLOUD
                                         also the private RabbitMQ node
    lab_openstack.py status [CLOUD...]   one line per process; exit 3 unless everything selected runs

Environment: OCX_LAB_DIR (default /var/lib/ocx-lab); OCX_LAB_SERVICES (default keystone,swift,glance,cinder,nova,horizon:
only glance, cinder and nova matter here); OCX_LAB_NOVA_VIA_PROXY (default 1: the home Nova reaches Cinder and
Glance through the proxy at 127.0.0.1:8080); OCX_LAB_OPENSTACK_WAIT (seconds, default 300).
"""
import concurrent.futures as cf
import contextlib
import fcntl
import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.environ.get('OCX_LAB_DIR', '/var/lib/ocx-lab')
OSDIR = os.path.join(LAB, 'openstack')
LOGS = os.path.join(LAB, 'logs')
RUN = os.path.join(LAB, 'run')
PY = '/usr/bin/python3'
REGION = 'RegionOne'
ADMIN_PASSWORD = 'admin-secret'
PROXY_URL = 'http://127.0.0.1:8080'
WAIT = float(os.environ.get('OCX_LAB_OPENSTACK_WAIT', '300'))
T0 = time.monotonic()

RABBIT = {'port': 5672, 'dist_port': 25672, 'epmd_port': 4369, 'user': 'ocx', 'password': 'ocx-secret',
          'node': 'ocx-lab@localhost', 'dir': os.path.join(OSDIR, 'rabbitmq')}
# Ports of each cloud's services. The Keystone ports are deploy/lab/lib.sh's.
CLOUDS = {
# Neutron: the real neutron-server of deploy/lab/neutron.sh (deploy/lab/neutron/lab_neutron.py's ports).
    'home': {'keystone': 5001, 'glance': 9292, 'cinder': 8776, 'nova': 8774, 'placement': 8778, 'neutron': 9698},
    'bu-keystone': {'keystone': 5002, 'glance': 9293, 'cinder': 8777, 'nova': 8775, 'placement': 8779,
                    'neutron': 9699},
}
COMPONENTS = ('glance', 'cinder', 'nova')
# Keystone users of each component (password NAME-secret, roles admin + service in project service).
USERS = {'glance': ['glance'], 'cinder': ['cinder'], 'nova': ['nova', 'placement']}
FLAVORS = [  # id, name, vcpus, ram MB, disk GB
    ('1', 'm1.tiny', 1, 512, 1),
    ('2', 'm1.small', 1, 2048, 20),
]
LAB_IMAGE = 'ocx-lab-image'
CLEAN_ENV = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C.UTF-8',
             'LC_ALL': 'C.UTF-8', 'HOME': '/root'}


def log(msg):
    sys.stderr.write('[openstack t+%5.1fs] %s\n' % (time.monotonic() - T0, msg))
    sys.stderr.flush()


class Fail(Exception):
    pass


def tail(path, n=30):
    try:
        with open(path, 'rb') as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 64 * 1024))
            lines = f.read().decode('utf-8', 'replace').splitlines()[-n:]
        return '----- tail of %s -----\n%s' % (path, '\n'.join(lines))
    except OSError:
        return '(no log %s)' % path


def selected_components():
    raw = os.environ.get('OCX_LAB_SERVICES', 'keystone,swift,glance,cinder,nova,horizon')
    words = {w.strip() for w in raw.replace(' ', ',').split(',') if w.strip()}
    return [c for c in COMPONENTS if c in words]


def via_proxy():
    return os.environ.get('OCX_LAB_NOVA_VIA_PROXY', '1') not in ('0', 'false', 'no', '')


# ---------------------------------------------------------------- small helpers
def port_open(port, host='127.0.0.1'):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def http(method, url, body=None, headers=None, timeout=30, raw=None):
    """(status, parsed JSON body or None, headers); status 0 when unreachable."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header('Accept', 'application/json')
    if body is not None:
        req.add_header('Content-Type', 'application/json')
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read()
            return resp.status, _json(text), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, _json(e.read()), e.headers
    except (urllib.error.URLError, OSError):
        return 0, None, {}


def _json(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def write_if_changed(path, text, mode=0o644):
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except OSError:
        pass
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return True


def render(template, values):
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace('@%s@' % k, str(v))
    left = re.findall(r'@[A-Z_]+@', text)
    if left:
        raise Fail('unrendered placeholders in %s: %s' % (template, ' '.join(sorted(set(left)))))
    return text


def drop_sections(text, names):
    out, skip = [], False
    for line in text.splitlines(True):
        s = line.strip()
        if s.startswith('[') and s.endswith(']'):
            skip = s[1:-1] in names
        if not skip:
            out.append(line)
    return ''.join(out)


def wal(db):
    con = sqlite3.connect(db, timeout=30)
    try:
        con.execute('PRAGMA journal_mode=WAL')
    finally:
        con.close()


def sql_count(db, query):
    try:
        con = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=5)
        try:
            return con.execute(query).fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


# ---------------------------------------------------------------- processes
def proc_state(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def proc_cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return f.read().replace(b'\0', b' ').decode('utf-8', 'replace')
    except OSError:
        return ''


class Proc:
    """One long-running process of the lab, identified by its PID file and command-line markers."""

    def __init__(self, cloud, name, cmd, markers, conf_files=(), port=None, health=None, env=None):
        self.cloud, self.name = cloud, name
        self.key = '%s-%s' % (cloud, name) if cloud else name
        self.cmd, self.markers, self.conf_files = cmd, markers, list(conf_files)
        self.port, self.health, self.env = port, health, env or {}
        self.pidfile = os.path.join(RUN, 'os-%s.pid' % self.key)
        self.stampfile = os.path.join(RUN, 'os-%s.stamp' % self.key)
        self.logfile = os.path.join(LOGS, 'os-%s.log' % self.key)
        self.started_at = None  # set when this run started it
        self.popen = None
        self.log_offset = 0

    def pid(self):
        try:
            with open(self.pidfile) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        st = proc_state(pid)
        if st is None or st == 'Z':
            return None
        cmd = proc_cmdline(pid)
        return pid if all(m in cmd for m in self.markers) else None

    def stamp(self):
        h = hashlib.sha256(json.dumps([self.cmd, self.env]).encode())
        for f in self.conf_files + [a for a in self.cmd if a.startswith(HERE + os.sep)]:  # + our own scripts
            with open(f, 'rb') as fh:
                h.update(fh.read())
        return h.hexdigest()

    def current(self):
        try:
            with open(self.stampfile) as f:
                return f.read().strip() == self.stamp()
        except OSError:
            return False

    def start(self):
        if self.port and port_open(self.port):
            raise Fail('%s: port %d is already in use by a process this script did not start '
                       "(see: ss -ltnp 'sport = :%d')" % (self.key, self.port, self.port))
        os.makedirs(LOGS, exist_ok=True)
        try:
            self.log_offset = os.path.getsize(self.logfile)
        except OSError:
            self.log_offset = 0
        with open(self.logfile, 'ab') as logf:
            logf.write(('==== %s start: %s\n' % (time.strftime('%Y-%m-%dT%H:%M:%S'), ' '.join(self.cmd))).encode())
            logf.flush()
            env = dict(CLEAN_ENV)
            env.update(self.env)
            p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                 env=env, cwd=OSDIR, start_new_session=True, close_fds=True)
        with open(self.pidfile, 'w') as f:
            f.write('%d\n' % p.pid)
        with open(self.stampfile, 'w') as f:
            f.write(self.stamp() + '\n')
        self.started_at = time.monotonic()
        self.popen = p

    def log_since_start(self):
        try:
            with open(self.logfile, 'rb') as f:
                f.seek(self.log_offset)
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def check_alive(self):
        # a process started by this run is watched through its Popen (some rewrite their command line while
        # starting, which the marker check of pid() could mistake for another process)
        dead = self.popen.poll() is not None if self.started_at is not None else self.pid() is None
        if dead:
            raise Fail('%s exited during start-up\n%s' % (self.key, tail(self.logfile)))


def signal_stop(procs):
    """TERM every running process (its whole process group); return what to wait for."""
    waiting = []
    for p in procs:
        pid = p.pid()
        if pid is None:
            for f in (p.pidfile, p.stampfile):
                if os.path.exists(f):
                    os.unlink(f)
            continue
        log('stopping %s (pid %d)' % (p.key, pid))
        try:
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        waiting.append((p, pid))
    return waiting


def group_alive(pgid):
    """PIDs of the live (not zombie) processes of process group pgid."""
    out = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % d) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != 'Z' and int(fields[2]) == pgid:
            out.append(int(d))
    return out


def wait_stopped(waiting, secs=20):
    """Wait until every process group in waiting is gone (its leader and e.g. API workers); KILL after secs."""
    deadline = time.monotonic() + secs
    pending = list(waiting)
    while pending and time.monotonic() < deadline:
        pending = [(p, pid) for p, pid in pending if group_alive(pid) or proc_state(pid) not in (None, 'Z')]
        if pending:
            time.sleep(0.1)
    for p, pid in pending:
        log('%s did not stop in %ds, killing' % (p.key, secs))
        for victim in group_alive(pid) + [pid]:
            try:
                os.kill(victim, signal.SIGKILL)
            except OSError:
                pass
    for p, _ in waiting:
        for f in (p.pidfile, p.stampfile):
            if os.path.exists(f):
                os.unlink(f)


# ---------------------------------------------------------------- the lab's processes
def cloud_dirs(cloud):
    data = os.path.join(OSDIR, cloud)
    return data, os.path.join(data, 'etc')


def rabbit_procs():
    r = RABBIT
    env = {
        'HOME': r['dir'], 'RABBITMQ_NODENAME': r['node'], 'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
        'RABBITMQ_NODE_PORT': str(r['port']), 'RABBITMQ_DIST_PORT': str(r['dist_port']),
        'ERL_EPMD_ADDRESS': '127.0.0.1', 'ERL_EPMD_PORT': str(r['epmd_port']),
        'RABBITMQ_CONFIG_FILE': os.path.join(r['dir'], 'rabbitmq.conf'),
        'RABBITMQ_ADVANCED_CONFIG_FILE': os.path.join(r['dir'], 'advanced.config'),
        'RABBITMQ_CONF_ENV_FILE': os.path.join(r['dir'], 'rabbitmq-env.conf'),
        'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(r['dir'], 'enabled_plugins'),
        'RABBITMQ_MNESIA_BASE': os.path.join(r['dir'], 'mnesia'),
        'RABBITMQ_LOG_BASE': LOGS, 'RABBITMQ_LOGS': '-',
        'RABBITMQ_PID_FILE': os.path.join(r['dir'], 'beam.pid'),
    }
    epmd = Proc(None, 'epmd', ['/usr/bin/epmd', '-address', '127.0.0.1', '-port', str(r['epmd_port'])],
                ['epmd', '-port %d' % r['epmd_port']], port=r['epmd_port'])
    rabbit = Proc(None, 'rabbitmq', ['/bin/sh', '/usr/lib/rabbitmq/bin/rabbitmq-server'], ['rabbitmq-server'],
                  conf_files=[env['RABBITMQ_CONFIG_FILE'], os.path.join(r['dir'], 'definitions.json')],
                  port=r['port'], env=env)
    return epmd, rabbit


def rabbit_url(cloud):
    return 'rabbit://%s:%s@127.0.0.1:%d/%s' % (RABBIT['user'], RABBIT['password'], RABBIT['port'], cloud)


def cloud_values(cloud):
    c = CLOUDS[cloud]
    data, etc = cloud_dirs(cloud)
    home_via_proxy = cloud == 'home' and via_proxy()
    return {
        'CLOUD': cloud, 'KEYSTONE': 'http://127.0.0.1:%d' % c['keystone'], 'REGION': REGION, 'DATA': data,
        'GLANCE_PORT': c['glance'], 'CINDER_PORT': c['cinder'], 'NOVA_PORT': c['nova'],
        'RABBIT_URL': rabbit_url(cloud), 'RABBIT_VHOST': cloud,
        'NEUTRON_URL': 'http://127.0.0.1:%d' % c['neutron'],
        'NOVA_GLANCE': PROXY_URL + '/image' if home_via_proxy else 'http://127.0.0.1:%d' % c['glance'],
        'NOVA_CINDER': (PROXY_URL + '/volume/v3/%(project_id)s' if home_via_proxy
                        else 'http://127.0.0.1:%d/v3/%%(project_id)s' % c['cinder']),
    }


def cloud_procs(cloud, components):
    """The processes of one cloud for the given components (configs are not written here)."""
    c = CLOUDS[cloud]
    data, etc = cloud_dirs(cloud)
    glance_conf = os.path.join(etc, 'glance-api.conf')
    cinder_conf = os.path.join(etc, 'cinder.conf')
    nova_conf = os.path.join(etc, 'nova.conf')
    compute_conf = os.path.join(etc, 'nova-compute.conf')
    placement_dir = os.path.join(etc, 'placement')

    service = os.path.join(HERE, 'lab_service.py')  # BEGIN IMMEDIATE for SQLite, see there

    def launcher(module):  # cinder-volume and nova-compute: their Debian packages would pull LVM/libvirt
        return [PY, service, '-m', module + ':main']

    def script(name):
        return [PY, service, '/usr/bin/' + name]

    def web(port, path='/'):
        return 'http://127.0.0.1:%d%s' % (port, path)

    procs = []
    if 'glance' in components:
        procs.append(Proc(cloud, 'glance-api', script('glance-api') + ['--config-file', glance_conf],
                          ['glance-api', glance_conf], [glance_conf], c['glance'], web(c['glance'])))
    if 'cinder' in components:
        for name in ('cinder-api', 'cinder-scheduler'):
            procs.append(Proc(cloud, name, script(name) + ['--config-file', cinder_conf],
                              [name, cinder_conf], [cinder_conf],
                              c['cinder'] if name == 'cinder-api' else None,
                              web(c['cinder']) if name == 'cinder-api' else None))
        procs.append(Proc(cloud, 'cinder-volume',
                          launcher('cinder.cmd.volume') + ['--config-file', cinder_conf],
                          ['cinder.cmd.volume', cinder_conf], [cinder_conf]))
    if 'nova' in components:
        procs.append(Proc(cloud, 'placement-api',
                          ['/usr/bin/uwsgi-core', '--plugin', 'python3', '--http-socket', '127.0.0.1:%d' % c['placement'],
                           '--wsgi-file', service, '--env', 'OCX_LAB_WSGI_SCRIPT=/usr/bin/placement-api',
                           '--env', 'OS_PLACEMENT_CONFIG_DIR=' + placement_dir,
                           '--processes', '1', '--threads', '4', '--enable-threads', '--die-on-term', '--need-app',
                           '--buffer-size', '65535', '--disable-logging'],
                          ['placement-api', 'OS_PLACEMENT_CONFIG_DIR=' + placement_dir],
                          [os.path.join(placement_dir, 'placement.conf')], c['placement'], web(c['placement'])))
        for name in ('nova-api', 'nova-conductor', 'nova-scheduler'):
            procs.append(Proc(cloud, name, script(name) + ['--config-file', nova_conf],
                              [name, nova_conf], [nova_conf], c['nova'] if name == 'nova-api' else None,
                              web(c['nova']) if name == 'nova-api' else None))
        procs.append(Proc(cloud, 'nova-compute',
                          launcher('nova.cmd.compute') + ['--config-file', compute_conf],
                          ['nova.cmd.compute', compute_conf], [compute_conf]))
    return procs


def write_configs(cloud, components):
    data, etc = cloud_dirs(cloud)
    values = cloud_values(cloud)
    dirs = [etc, os.path.join(data, 'locks')]
    os.makedirs(etc, exist_ok=True)
    if 'glance' in components:
        dirs += [os.path.join(data, 'glance', d) for d in ('images', 'staging', 'tasks', 'cache')]
        write_if_changed(os.path.join(etc, 'glance-api.conf'), render('glance-api.conf', values))
    if 'cinder' in components:
        dirs += [os.path.join(data, 'cinder', 'coordination')]
        write_if_changed(os.path.join(etc, 'cinder.conf'), render('cinder.conf', values))
    if 'nova' in components:
        dirs += [os.path.join(data, 'nova', 'instances'), os.path.join(data, 'placement'),
                 os.path.join(etc, 'placement')]
        nova = render('nova.conf', values)
        write_if_changed(os.path.join(etc, 'nova.conf'), nova)
        write_if_changed(os.path.join(etc, 'nova-compute.conf'),
                         drop_sections(nova, ('database', 'api_database')).replace(
                             'read nova.conf; nova-compute', 'read nova.conf; nova-compute (THIS FILE)'))
    for d in dirs:
        os.makedirs(d, exist_ok=True)
    if 'nova' in components:
        write_if_changed(os.path.join(etc, 'placement', 'placement.conf'), render('placement.conf', values))


def write_rabbit_configs(clouds):
    r = RABBIT
    os.makedirs(os.path.join(r['dir'], 'mnesia'), exist_ok=True)
    values = {'RABBIT_PORT': r['port'], 'RABBIT_DIR': r['dir'], 'RABBIT_USER': r['user'],
              'RABBIT_PASSWORD': r['password'],
              # every cloud's vhost, whichever clouds this run selected: the node serves all of them
              'RABBIT_VHOSTS': ', '.join('{"name": "%s"}' % c for c in CLOUDS),
              'RABBIT_PERMISSIONS': ', '.join(
                  '{"user": "%s", "vhost": "%s", "configure": ".*", "write": ".*", "read": ".*"}' % (r['user'], c)
                  for c in CLOUDS)}
    write_if_changed(os.path.join(r['dir'], 'rabbitmq.conf'), render('rabbitmq.conf', values))
    write_if_changed(os.path.join(r['dir'], 'definitions.json'), render('rabbitmq-definitions.json', values))
    write_if_changed(os.path.join(r['dir'], 'enabled_plugins'), '[].\n')
    write_if_changed(os.path.join(r['dir'], 'rabbitmq-env.conf'), '# empty: everything is set in the environment\n')
    cookie = os.path.join(r['dir'], '.erlang.cookie')
    if not os.path.exists(cookie):
        write_if_changed(cookie, hashlib.sha256(os.urandom(32)).hexdigest()[:20].upper(), 0o400)


# ---------------------------------------------------------------- Keystone
class Keystone:
    def __init__(self, cloud):
        self.cloud = cloud
        self.url = 'http://127.0.0.1:%d' % CLOUDS[cloud]['keystone']
        self._token, self.project_id = None, None
        self.lock = threading.Lock()

    def token(self):
        with self.lock:
            if self._token is None:
                body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
                    'name': 'admin', 'domain': {'id': 'default'}, 'password': ADMIN_PASSWORD}}},
                    'scope': {'project': {'name': 'admin', 'domain': {'id': 'default'}}}}}
                st, b, h = http('POST', self.url + '/v3/auth/tokens', body)
                if st != 201:
                    raise Fail('%s: admin login at %s failed (HTTP %s): is the lab Keystone up? (deploy/lab/up.sh)'
                               % (self.cloud, self.url, st))
                self._token, self.project_id = h['X-Subject-Token'], b['token']['project']['id']
            return self._token

    def call(self, method, path, body=None, ok=(200, 201, 204)):
        st, b, _ = http(method, self.url + '/v3' + path, body, {'X-Auth-Token': self.token()})
        if st not in ok:
            raise Fail('%s: %s %s/v3%s -> HTTP %s %s' % (self.cloud, method, self.url, path, st,
                                                          json.dumps(b)[:300] if b else ''))
        return st, b

    def find(self, collection, **query):
        qs = '&'.join('%s=%s' % (k, urllib.request.quote(v)) for k, v in query.items())
        return self.call('GET', '/%s?%s' % (collection, qs))[1][collection]

    def ensure(self, collection, key, query, create):
        found = self.find(collection, **query)
        if found:
            return found[0]
        log('%s: keystone: created %s %s' % (self.cloud, key, create.get('name', '')))
        return self.call('POST', '/' + collection, {key: create})[1][key]


def catalog_entries(cloud, components):
    c = CLOUDS[cloud]
    out = []
    if 'glance' in components:
        out.append(('glance', 'image', 'http://127.0.0.1:%d' % c['glance']))
    if 'cinder' in components:
        url = 'http://127.0.0.1:%d/v3/%%(project_id)s' % c['cinder']
        out += [('cinderv3', 'volumev3', url), ('cinder', 'block-storage', url)]
    if 'nova' in components:
        out += [('nova', 'compute', 'http://127.0.0.1:%d/v2.1' % c['nova']),
                ('placement', 'placement', 'http://127.0.0.1:%d' % c['placement'])]
    return out


def register_keystone(ks, components):
    """Service users (roles admin + service in project service), services and endpoints. Marker-gated."""
    cloud = ks.cloud
    users = [u for comp in components for u in USERS[comp]]
    entries = catalog_entries(cloud, components)
    try:
        inode = os.stat(os.path.join(LAB, cloud, 'keystone.db')).st_ino
    except OSError:
        inode = 0
    marker = os.path.join(OSDIR, cloud, '.keystone-registered')
    want = json.dumps({'v': 1, 'keystone_db': inode, 'users': users, 'catalog': entries}, sort_keys=True)
    try:
        with open(marker) as f:
            if f.read() == want:
                return False
    except OSError:
        pass
    roles = {n: ks.ensure('roles', 'role', {'name': n}, {'name': n})['id'] for n in ('admin', 'service')}
    st, _ = ks.call('GET', '/regions/' + REGION, ok=(200, 404))
    if st == 404:
        ks.call('POST', '/regions', {'region': {'id': REGION}})
    project = ks.ensure('projects', 'project', {'name': 'service', 'domain_id': 'default'},
                        {'name': 'service', 'domain_id': 'default', 'description': 'Service project'})['id']
    for name in users:
        password = name + '-secret'
        found = ks.find('users', name=name, domain_id='default')
        if found:
            ks.call('PATCH', '/users/' + found[0]['id'], {'user': {'password': password, 'enabled': True}})
            uid = found[0]['id']
        else:
            uid = ks.call('POST', '/users', {'user': {'name': name, 'domain_id': 'default', 'password': password,
                                                      'enabled': True}})[1]['user']['id']
            log('%s: keystone: created user %s' % (cloud, name))
        for rid in roles.values():
            ks.call('PUT', '/projects/%s/users/%s/roles/%s' % (project, uid, rid))
    for name, stype, url in entries:
        services = [s for s in ks.find('services', type=stype) if s.get('name') == name]
        sid = services[0]['id'] if services else ks.call('POST', '/services', {'service': {
            'name': name, 'type': stype, 'description': 'ocx lab ' + stype, 'enabled': True}})[1]['service']['id']
        endpoints = ks.find('endpoints', service_id=sid)
        for iface in ('public', 'internal', 'admin'):
            mine = [e for e in endpoints if e['interface'] == iface and (e.get('region_id') or e.get('region')) == REGION]
            if not mine:
                ks.call('POST', '/endpoints', {'endpoint': {'service_id': sid, 'interface': iface, 'region_id': REGION,
                                                            'url': url, 'enabled': True}})
                continue
            for extra in mine[1:]:
                ks.call('DELETE', '/endpoints/' + extra['id'])
            if mine[0]['url'] != url or not mine[0].get('enabled', True):
                ks.call('PATCH', '/endpoints/' + mine[0]['id'], {'endpoint': {'url': url, 'enabled': True}})
    log('%s: keystone: users %s, endpoints %s registered' % (cloud, ' '.join(users),
                                                              ' '.join(sorted({e[1] for e in entries}))))
    write_if_changed(marker, want)
    return True


# ---------------------------------------------------------------- databases
def run_logged(cloud, what, cmd, env=None):
    logfile = os.path.join(LOGS, 'os-%s-dbsync.log' % cloud)
    e = dict(CLEAN_ENV)
    e.update(env or {})
    t = time.monotonic()
    with open(logfile, 'ab') as f:
        f.write(('==== %s %s\n' % (time.strftime('%Y-%m-%dT%H:%M:%S'), ' '.join(cmd))).encode())
        f.flush()
        rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, env=e, cwd=OSDIR)
    if rc != 0:
        raise Fail('%s: %s failed (exit %d)\n%s' % (cloud, what, rc, tail(logfile)))
    return time.monotonic() - t


def sync_db(cloud, component):
    """Create one component's databases once (marker file next to them); the journal is switched to WAL."""
    data, etc = cloud_dirs(cloud)
    if component == 'glance':
        dbs = [os.path.join(data, 'glance', 'glance.db')]
        steps = [('glance-manage db sync', ['/usr/bin/glance-manage', '--config-file',
                                            os.path.join(etc, 'glance-api.conf'), 'db', 'sync'])]
    elif component == 'cinder':
        dbs = [os.path.join(data, 'cinder', 'cinder.db')]
        steps = [('cinder-manage db sync', ['/usr/bin/cinder-manage', '--config-file',
                                            os.path.join(etc, 'cinder.conf'), 'db', 'sync'])]
    elif component == 'placement':
        dbs = [os.path.join(data, 'placement', 'placement.db')]
        steps = [('placement-manage db sync', ['/usr/bin/placement-manage', '--config-file',
                                               os.path.join(etc, 'placement', 'placement.conf'), 'db', 'sync'])]
    else:  # nova: api DB, cell0, cell1 (the four nova-manage steps in one process: nova_dbs.py)
        dbs = [os.path.join(data, 'nova', n) for n in ('nova_api.db', 'nova_cell0.db', 'nova.db')]
        steps = [('nova-manage api_db sync, cell_v2 map_cell0, cell_v2 create_cell, db sync (nova_dbs.py)',
                  [PY, os.path.join(HERE, 'nova_dbs.py'), os.path.join(etc, 'nova.conf'), 'sqlite:///' + dbs[1]])]
    marker = dbs[0] + '.ready'
    if os.path.exists(marker) and all(os.path.exists(d) for d in dbs):
        return None
    for d in dbs:  # a half-made database from an interrupted run: start over
        for suffix in ('', '-wal', '-shm', '.ready'):
            if os.path.exists(d + suffix):
                os.unlink(d + suffix)
    t = time.monotonic()
    for what, cmd in steps:
        run_logged(cloud, what, cmd)
    for d in dbs:
        wal(d)
    write_if_changed(marker, 'v1\n')
    took = time.monotonic() - t
    log('%s: %s databases created (%.1fs)' % (cloud, component, took))
    return took


# ---------------------------------------------------------------- waiting
class Deadline:
    def __init__(self, secs):
        self.end = time.monotonic() + secs

    def left(self):
        return self.end - time.monotonic()


def wait_for(what, check, deadline, procs=(), interval=0.25):
    """Poll check() until truthy; fail early when one of procs died."""
    while True:
        v = check()
        if v:
            return v
        for p in procs:
            p.check_alive()
        if deadline.left() <= 0:
            raise Fail('timed out waiting for %s%s' % (what, ''.join('\n' + tail(p.logfile, 15) for p in procs)))
        time.sleep(interval)


def http_ready(url):
    st, _, _ = http('GET', url, timeout=10)
    return 0 < st < 500


def rabbit_vhosts_ready(clouds):
    try:
        import kombu
    except ImportError:
        return True
    for c in clouds:
        conn = kombu.Connection(rabbit_url(c).replace('rabbit://', 'amqp://'), connect_timeout=2)
        try:
            conn.connect()
        except Exception:  # noqa: BLE001 - any AMQP error means not ready yet
            return False
        finally:
            conn.release()
    return True


# ---------------------------------------------------------------- up
def up(clouds):
    components = selected_components()
    if not components:
        log('OCX_LAB_SERVICES=%s names none of %s: nothing to do' % (os.environ.get('OCX_LAB_SERVICES'),
                                                                       ','.join(COMPONENTS)))
        merge_lab_json(clouds, components, {})
        return 0
    preflight(components)
    for d in (OSDIR, LOGS, RUN):
        os.makedirs(d, exist_ok=True)
    os.chmod(OSDIR, 0o755)
    need_rabbit = 'cinder' in components or 'nova' in components
    deadline = Deadline(WAIT)
    keystones = {c: Keystone(c) for c in clouds}
    for c, ks in keystones.items():  # fail fast and clearly without a Keystone
        if not http_ready(ks.url + '/v3'):
            raise Fail('%s: Keystone %s does not answer: run deploy/lab/up.sh first' % (c, ks.url))

    # configs, and the processes whose configuration changed since they were started
    procs = {}
    for c in clouds:
        write_configs(c, components)
        procs[c] = cloud_procs(c, components)
    epmd = rabbit = None
    if need_rabbit:
        write_rabbit_configs(clouds)
        epmd, rabbit = rabbit_procs()
    everything = [p for c in clouds for p in procs[c]] + ([epmd, rabbit] if need_rabbit else [])
    stale = [p for p in everything if p.pid() is not None and not p.current() and p is not epmd]
    if stale:
        log('configuration changed: restarting %s' % ' '.join(p.key for p in stale))
        wait_stopped(signal_stop(stale))
    to_start = [p for p in everything if p.pid() is None]
    if not to_start:
        log('all %d processes already running (%s: %s)' % (len(everything), ' '.join(clouds), ','.join(components)))

    pool = cf.ThreadPoolExecutor(max_workers=48)
    futures = {}

    def task(name, fn, *deps):
        def run():
            for d in deps:
                futures[d].result()
            return fn()
        futures[name] = pool.submit(run)

    def start_if_needed(p, ready_check=None):
        def fn():
            if p.pid() is None:
                p.start()
            if ready_check:
                wait_for(p.key, ready_check, deadline, [p])
            elif p.health:
                wait_for(p.key, lambda: http_ready(p.health), deadline, [p])
            return p
        return fn

    if need_rabbit:
        def start_rabbit():
            if epmd.pid() is None and not port_open(RABBIT['epmd_port']):
                epmd.start()
                wait_for('epmd', lambda: port_open(RABBIT['epmd_port']), deadline, [epmd])
            started = rabbit.pid() is None
            if started:
                rabbit.start()
            wait_for('rabbitmq', lambda: port_open(RABBIT['port']), deadline, [rabbit])
            if started:
                wait_for('rabbitmq vhosts', lambda: rabbit_vhosts_ready(CLOUDS), deadline, [rabbit], 0.5)
                log('rabbitmq ready (%.1fs)' % (time.monotonic() - rabbit.started_at))
        task('rabbit', start_rabbit)
    else:
        task('rabbit', lambda: None)

    for c in clouds:
        by = {p.name: p for p in procs[c]}
        task('ks:' + c, lambda ks=keystones[c]: register_keystone(ks, components))
        for comp in components + (['placement'] if 'nova' in components else []):
            task('db:%s:%s' % (c, comp), lambda c=c, comp=comp: sync_db(c, comp))
        if 'glance' in components:
            task('p:%s:glance-api' % c, start_if_needed(by['glance-api']), 'db:%s:glance' % c)
        if 'cinder' in components:
            for n in ('cinder-api', 'cinder-scheduler', 'cinder-volume'):
                task('p:%s:%s' % (c, n), start_if_needed(by[n]), 'db:%s:cinder' % c, 'rabbit')
        if 'nova' in components:
            task('p:%s:placement-api' % c, start_if_needed(by['placement-api']), 'db:%s:placement' % c)
            task('p:%s:nova-api' % c, start_if_needed(by['nova-api']), 'db:%s:nova' % c, 'rabbit')
            for n, pattern in (('nova-conductor', 'Starting conductor node'),
                               ('nova-scheduler', 'Starting scheduler node')):
                p = by[n]
                task('p:%s:%s' % (c, n),
                     start_if_needed(p, lambda p=p, pattern=pattern: p.started_at is None
                                     or pattern in p.log_since_start()),
                     'db:%s:nova' % c, 'rabbit')
            # nova-compute registers itself through the conductor and creates its resource provider in
            # placement (found through the Keystone catalog) as soon as it starts
            task('p:%s:nova-compute' % c, start_if_needed(by['nova-compute']), 'rabbit', 'ks:' + c,
                 'p:%s:nova-conductor' % c, 'p:%s:placement-api' % c)

    def wait_all():
        for name in list(futures):
            futures[name].result()

    try:
        wait_all()
        # usable, not just running
        checks = []
        for c in clouds:
            if 'cinder' in components:
                checks.append(pool.submit(wait_cinder_pools, keystones[c], procs[c], deadline))
            if 'nova' in components:
                checks.append(pool.submit(wait_nova_host, c, procs[c], deadline))
        for f in checks:
            f.result()
        resources = {}
        provs = {c: pool.submit(provision, keystones[c], components) for c in clouds}
        for c in clouds:
            resources[c] = provs[c].result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    merge_lab_json(clouds, components, resources)
    started = [p.key for p in everything if p.started_at is not None]
    log('up: %s (%s) in %.1fs%s' % (' '.join(clouds), ','.join(components), time.monotonic() - T0,
                                    '; started %d processes' % len(started) if started else ''))
    return 0


def preflight(components):
    need = {'glance': ['/usr/bin/glance-api', '/usr/bin/glance-manage'],
            'cinder': ['/usr/bin/cinder-api', '/usr/bin/cinder-scheduler', '/usr/bin/cinder-manage',
                       '/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/bin/epmd',
                       '/usr/lib/python3/dist-packages/cinder/tests/fake_driver.py'],
            'nova': ['/usr/bin/nova-api', '/usr/bin/nova-conductor', '/usr/bin/nova-scheduler', '/usr/bin/nova-manage',
                     '/usr/bin/placement-api', '/usr/bin/placement-manage', '/usr/bin/uwsgi-core',
                     '/usr/lib/uwsgi/plugins/python3_plugin.so', '/usr/lib/rabbitmq/bin/rabbitmq-server',
                     '/usr/lib/python3/dist-packages/nova/virt/fake.py']}
    missing = [f for c in components for f in need[c] if not os.path.exists(f)]
    if missing:
        raise Fail('missing %s: run deploy/lab/install.sh with the same OCX_LAB_SERVICES' % ' '.join(missing))


def wait_cinder_pools(ks, procs, deadline):
    """The scheduler knows the fake backend (a volume create would be placed now)."""
    url = 'http://127.0.0.1:%d/v3/%s/scheduler-stats/get_pools' % (CLOUDS[ks.cloud]['cinder'], ks.project_id
                                                                    or (ks.token() and ks.project_id))
    watch = [p for p in procs if p.name.startswith('cinder-')]

    def check():
        st, b, _ = http('GET', url, headers={'X-Auth-Token': ks.token()}, timeout=20)
        return st == 200 and bool((b or {}).get('pools'))
    t = time.monotonic()
    wait_for('%s: cinder scheduler to see the fake backend' % ks.cloud, check, deadline, watch, 0.5)
    if any(p.started_at for p in watch):
        log('%s: cinder ready (backend pool seen by the scheduler after %.1fs)' % (ks.cloud, time.monotonic() - t))


def wait_nova_host(cloud, procs, deadline):
    """nova-compute has a resource provider in placement and is mapped into cell1 (scheduler discovery)."""
    data, _ = cloud_dirs(cloud)
    api_db = os.path.join(data, 'nova', 'nova_api.db')
    placement_db = os.path.join(data, 'placement', 'placement.db')
    watch = [p for p in procs if p.name.startswith('nova-') or p.name == 'placement-api']

    compute = [p for p in procs if p.name == 'nova-compute'][0]

    def check():
        # a restarted nova-compute finds its old host mapping: wait for it to start its RPC service as well
        return ((compute.started_at is None or 'Starting compute node' in compute.log_since_start())
                and sql_count(api_db, 'SELECT count(*) FROM host_mappings') > 0
                and sql_count(placement_db, 'SELECT count(*) FROM inventories') > 0)
    t = time.monotonic()
    wait_for('%s: nova-compute to be mapped and in placement' % cloud, check, deadline, watch, 0.5)
    if any(p.started_at for p in watch):
        log('%s: nova ready (compute host mapped after %.1fs)' % (cloud, time.monotonic() - t))


# ---------------------------------------------------------------- provisioning (flavors, one image)
def provision(ks, components):
    cloud = ks.cloud
    c = CLOUDS[cloud]
    out = {}
    headers = {'X-Auth-Token': ks.token()}
    if 'nova' in components:
        base = 'http://127.0.0.1:%d/v2.1' % c['nova']
        st, b, _ = http('GET', base + '/flavors', headers=headers)
        if st != 200:
            raise Fail('%s: GET %s/flavors -> HTTP %s' % (cloud, base, st))
        have = {f['id'] for f in b['flavors']}
        for fid, name, vcpus, ram, disk in FLAVORS:
            if fid not in have:
                st, b, _ = http('POST', base + '/flavors', {'flavor': {
                    'id': fid, 'name': name, 'vcpus': vcpus, 'ram': ram, 'disk': disk,
                    'os-flavor-access:is_public': True}}, headers)
                if st not in (200, 409):
                    raise Fail('%s: creating flavor %s -> HTTP %s %s' % (cloud, name, st, b))
                log('%s: nova: flavor %s created' % (cloud, name))
        out['flavors'] = [{'id': f[0], 'name': f[1], 'vcpus': f[2], 'ram': f[3], 'disk': f[4]} for f in FLAVORS]
    if 'glance' in components:
        base = 'http://127.0.0.1:%d/v2' % c['glance']
        st, b, _ = http('GET', base + '/images?name=' + LAB_IMAGE, headers=headers)
        if st != 200:
            raise Fail('%s: GET %s/images -> HTTP %s' % (cloud, base, st))
        images = [i for i in b['images'] if i['status'] == 'active']
        for broken in (i for i in b['images'] if i['status'] != 'active'):
            http('DELETE', base + '/images/' + broken['id'], headers=headers)
        if images:
            image = images[0]
        else:
            st, image, _ = http('POST', base + '/images', {
                'name': LAB_IMAGE, 'disk_format': 'raw', 'container_format': 'bare', 'visibility': 'public',
                'min_disk': 0, 'min_ram': 0}, headers)
            if st != 201:
                raise Fail('%s: creating image %s -> HTTP %s %s' % (cloud, LAB_IMAGE, st, image))
            payload = b'ocx lab image\n' * 4096
            st, b, _ = http('PUT', base + '/images/%s/file' % image['id'], raw=payload,
                            headers=dict(headers, **{'Content-Type': 'application/octet-stream'}))
            if st != 204:
                raise Fail('%s: uploading image data -> HTTP %s %s' % (cloud, st, b))
            log('%s: glance: public image %s created (%s)' % (cloud, LAB_IMAGE, image['id']))
        out['image'] = {'id': image['id'], 'name': LAB_IMAGE}
    return out


# ---------------------------------------------------------------- lab.json
@contextlib.contextmanager
def lab_json_locked():
    """lab.json is merged by this script and by deploy/lab/neutron/lab_neutron.py, which up.sh runs in parallel:
    each read-modify-write holds this lock, so neither loses the other's section."""
    with open(os.path.join(LAB, 'lab.json.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def merge_lab_json(clouds, components, resources):
    with lab_json_locked():
        _merge_lab_json(clouds, components, resources)


def _merge_lab_json(clouds, components, resources):
    path = os.path.join(LAB, 'lab.json')
    try:
        with open(path) as f:
            lab = json.load(f)
    except (OSError, ValueError):
        lab = {}
    old = lab.get('openstack') or {}
    section = {
        'services': components,
        'nova_via_proxy': via_proxy() and 'nova' in components,
        'rabbitmq': {'url': 'rabbit://%s:%s@127.0.0.1:%d/' % (RABBIT['user'], RABBIT['password'], RABBIT['port']),
                     'vhosts': list(CLOUDS)} if ('cinder' in components or 'nova' in components) else None,
        'clouds': {},
    }
    for c in clouds:
        p = CLOUDS[c]
        entry = {'keystone': 'http://127.0.0.1:%d' % p['keystone'], 'ports': {}, 'endpoints': {},
                 'service_users': []}
        if 'glance' in components:
            entry['ports']['glance'] = p['glance']
            entry['endpoints']['image'] = 'http://127.0.0.1:%d' % p['glance']
        if 'cinder' in components:
            entry['ports']['cinder'] = p['cinder']
            entry['endpoints']['volume'] = 'http://127.0.0.1:%d/v3' % p['cinder']
            entry['volume_backend'] = 'lab-%s@fake' % c
        if 'nova' in components:
            entry['ports'].update(nova=p['nova'], placement=p['placement'], neutron=p['neutron'])
            entry['endpoints'].update(compute='http://127.0.0.1:%d/v2.1' % p['nova'],
                                      placement='http://127.0.0.1:%d' % p['placement'],
                                      network='http://127.0.0.1:%d' % p['neutron'])
            v = cloud_values(c)
            entry['nova'] = {'glance_api_servers': v['NOVA_GLANCE'], 'cinder_endpoint_template': v['NOVA_CINDER'],
                             'neutron_endpoint_override': v['NEUTRON_URL'], 'compute_host': 'lab-' + c}
        if 'cinder' in components or 'nova' in components:
            entry['availability_zone'] = 'nova'
        for comp in components:
            for u in USERS[comp]:
                entry['service_users'].append({'name': u, 'password': u + '-secret', 'project': 'service',
                                               'roles': ['admin', 'service']})
        entry.update(resources.get(c) or {})  # flavors, image
        section['clouds'][c] = entry
    for c, entry in (old.get('clouds') or {}).items():  # clouds not selected this run keep their entry
        section['clouds'].setdefault(c, entry)
    lab['openstack'] = section
    write_if_changed(path, json.dumps(lab, indent=2) + '\n')


# ---------------------------------------------------------------- down / status
def down(clouds, all_clouds):
    procs = []
    for c in clouds:
        # everything this script may have started for the cloud, whatever OCX_LAB_SERVICES says now
        procs += cloud_procs(c, COMPONENTS)
    waiting = signal_stop(procs)
    wait_stopped(waiting)
    if all_clouds:
        epmd, rabbit = rabbit_procs()
        wait_stopped(signal_stop([rabbit]), 30)
        wait_stopped(signal_stop([epmd]))
    log('down: %s (stopped %d processes)' % (' '.join(clouds), len(waiting)))
    return 0


def status(clouds):
    components = selected_components()
    ok = True
    rows = []
    if 'cinder' in components or 'nova' in components:
        rows += list(rabbit_procs())
    for c in clouds:
        rows += cloud_procs(c, components)
    for p in rows:
        pid = p.pid()
        health = ''
        if pid and p.health:
            health = 'answers' if http_ready(p.health) else 'NOT ANSWERING'
            ok = ok and health == 'answers'
        ok = ok and pid is not None
        print('%-28s %-8s %s %s' % (p.key, 'pid %d' % pid if pid else 'DOWN', p.health or '', health))
    return 0 if ok else 3


def main(argv):
    if len(argv) < 2 or argv[1] not in ('up', 'down', 'status'):
        print(__doc__, file=sys.stderr)
        return 2
    cmd, names = argv[1], argv[2:]
    for n in names:
        if n not in CLOUDS:
            print('unknown cloud %r (known: %s)' % (n, ' '.join(CLOUDS)), file=sys.stderr)
            return 2
    clouds = names or list(CLOUDS)
    try:
        if cmd == 'up':
            return up(clouds)
        if cmd == 'down':
            return down(clouds, not names or set(names) == set(CLOUDS))
        return status(clouds)
    except Fail as e:
        print('[openstack] ERROR: %s' % e, file=sys.stderr)
    except Exception:  # noqa: BLE001 - a bug here: say where, then stop at once like for Fail
        import traceback
        traceback.print_exc()
    # Exit now: worker threads may still be polling (up to OCX_LAB_OPENSTACK_WAIT) and would be joined at exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
