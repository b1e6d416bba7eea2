#!/usr/bin/python3
"""Helpers for deploy/lab/swift.sh (run with /usr/bin/python3, Debian's interpreter).

  lab_swift.py rings SWIFT_DIR ACCOUNT_PORT CONTAINER_PORT OBJECT_PORT
      Build 1-replica account/container/object rings (part power 10, one device d1 on 127.0.0.1)
      in SWIFT_DIR, as `swift-ring-builder X.builder create 10 1 1; add r1z1-127.0.0.1:PORT/d1 1;
      rebalance` would, but in one process (9 CLI runs cost ~11 s, this ~0.5 s). Skips rings that exist.

  lab_swift.py keystone KEYSTONE_URL SWIFT_PROXY_URL
      Idempotently register Swift in one Keystone (admin/admin-secret, project admin, domain Default):
      roles member + service, project service, user swift/swift-secret with admin + service on service,
      service swift (object-store), endpoints public/internal/admin SWIFT_PROXY_URL/v1/AUTH_%(project_id)s
      in RegionOne. Exit 3 if KEYSTONE_URL/v3 does not answer 200 within OCX_SWIFT_KEYSTONE_WAIT s (15).

  lab_swift.py updater SWIFT_DIR INTERVAL [FLUSH_BASE]
      Run Swift's object-updater and then container-updater (their run_once, i.e. Swift's own code) over the
      cluster in SWIFT_DIR every INTERVAL seconds, forever, in this one process. The stock daemons fork a child
      per sweep that re-applies eventlet monkey patching (gc.collect over a copy-on-write heap): ~1 s CPU per
      sweep each, ~20 % of a core for three clusters at 15 s. This loop patches once and costs ~nothing idle.
      With FLUSH_BASE, `swift.sh flush` asks for a sweep now by writing a token to FLUSH_BASE.want; the loop
      starts a sweep within 0.25 s and, when it ends, writes that token to FLUSH_BASE.done. (Running the
      updaters' `once` instead costs six Python start-ups, 12-16 s on an idle 2-core box and over a minute under
      CI load.)

  lab_swift.py merge OCX_YAML LAB_JSON
      Merge this lab's Swift settings into the proxy config and lab.json (creating minimal files if absent).
"""
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

REGION = 'RegionOne'
ADMIN = dict(user='admin', password='admin-secret', project='admin')
SWIFT_USER, SWIFT_PASSWORD = 'swift', 'swift-secret'

# name -> proxy URL; the lab's fixed layout (swift.sh uses the same ports).
CLUSTERS = {
    'home': {'url': 'http://127.0.0.1:8081', 'keystone': 'http://127.0.0.1:5001', 'priority': 1},
    'bu-keystone': {'url': 'http://127.0.0.1:8082', 'keystone': 'http://127.0.0.1:5002', 'priority': 2},
}
TEMPAUTH = {
    'name': 'lab-tempauth',
    'url': 'http://127.0.0.1:8083',
    'auth_url': 'http://127.0.0.1:8083/auth/v1.0',
    'user': 'test:tester',
    'key': 'testing',
    # Each home project has its own tempauth account (swift.sh's user_* lines), so neither sees the other's data.
    'accounts': {
        'demo': {'user': 'test:tester', 'key': 'testing'},
        'other': {'user': 'other:proxy', 'key': 'other-proxy-key'},
    },
    'priority': 3,
}


# ---------------------------------------------------------------- rings
def cmd_rings(swift_dir, account_port, container_port, object_port):
    from swift.common.ring import RingBuilder

    for ring, port in (('account', account_port), ('container', container_port), ('object', object_port)):
        ring_gz = os.path.join(swift_dir, ring + '.ring.gz')
        builder_file = os.path.join(swift_dir, ring + '.builder')
        if os.path.exists(ring_gz) and os.path.exists(builder_file):
            continue
        b = RingBuilder(10, 1, 1)
        b.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port), 'device': 'd1', 'weight': 1.0,
                   'replication_ip': '127.0.0.1', 'replication_port': int(port), 'meta': ''})
        b.rebalance()
        b.get_ring().save(ring_gz + '.tmp')
        b.save(builder_file + '.tmp')
        os.replace(builder_file + '.tmp', builder_file)
        os.replace(ring_gz + '.tmp', ring_gz)
        print('built %s ring (127.0.0.1:%s/d1)' % (ring, port))


# ---------------------------------------------------------------- keystone
class Keystone:
    def __init__(self, url):
        self.url = url.rstrip('/')
        if self.url.endswith('/v3'):
            self.url = self.url[:-3]
        self.token = None

    def call(self, method, path, body=None, ok=(200, 201, 204), token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + '/v3' + path, data=data, method=method)
        req.add_header('Accept', 'application/json')
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        tok = token or self.token
        if tok:
            req.add_header('X-Auth-Token', tok)
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None), resp.headers
        except urllib.error.HTTPError as e:
            raw = e.read()
            if e.code in ok:
                return e.code, None, e.headers
            raise RuntimeError('%s %s%s -> %s %s' % (method, self.url, path, e.code, raw[:300].decode('utf-8', 'replace')))

    def password_token(self, user, password, project):
        body = {'auth': {
            'identity': {'methods': ['password'],
                         'password': {'user': {'name': user, 'domain': {'id': 'default'}, 'password': password}}},
            'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
        req = urllib.request.Request(self.url + '/v3/auth/tokens', data=json.dumps(body).encode(), method='POST')
        req.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                return resp.headers['X-Subject-Token']
        except urllib.error.HTTPError as e:
            if e.code == 401:
                return None
            raise RuntimeError('token for %s at %s -> %s %s' % (user, self.url, e.code, e.read()[:300]))

    def find(self, collection, key, **query):
        qs = '&'.join('%s=%s' % (k, urllib.request.quote(v)) for k, v in query.items())
        _, body, _ = self.call('GET', '/%s?%s' % (collection, qs))
        return body[key]

    def ensure(self, collection, key, query, create_body, what):
        found = self.find(collection, collection, **query)
        if found:
            return found[0], False
        _, body, _ = self.call('POST', '/' + collection, {key: create_body})
        print('  created %s' % what)
        return body[key], True


def cmd_keystone(keystone_url, swift_url):
    ks = Keystone(keystone_url)
    deadline = time.monotonic() + float(os.environ.get('OCX_SWIFT_KEYSTONE_WAIT', '15'))
    while True:  # up.sh may call right after starting the Keystones: give them a moment
        try:
            urllib.request.urlopen(ks.url + '/v3', timeout=3).read()
            break
        except (urllib.error.URLError, socket.timeout, ConnectionError) as e:
            if time.monotonic() >= deadline:
                why = 'HTTP %s' % e.code if isinstance(e, urllib.error.HTTPError) else getattr(e, 'reason', e)
                print('Keystone %s/v3 does not answer (%s)' % (ks.url, why), file=sys.stderr)
                return 3
            time.sleep(0.5)
    ks.token = ks.password_token(ADMIN['user'], ADMIN['password'], ADMIN['project'])
    if not ks.token:
        raise RuntimeError('admin/admin-secret rejected by %s' % ks.url)

    roles = {}
    for name in ('admin', 'member', 'service'):
        roles[name], _ = ks.ensure('roles', 'role', {'name': name}, {'name': name}, 'role %s' % name)
    st, _, _ = ks.call('GET', '/regions/' + REGION, ok=(200, 404))
    if st == 404:
        ks.call('POST', '/regions', {'region': {'id': REGION}})
        print('  created region %s' % REGION)
    project, _ = ks.ensure('projects', 'project', {'name': 'service', 'domain_id': 'default'},
                           {'name': 'service', 'domain_id': 'default', 'description': 'Service project'},
                           'project service')
    user, created = ks.ensure('users', 'user', {'name': SWIFT_USER, 'domain_id': 'default'},
                              {'name': SWIFT_USER, 'domain_id': 'default', 'password': SWIFT_PASSWORD,
                               'enabled': True}, 'user %s' % SWIFT_USER)
    for name in ('admin', 'service'):
        ks.call('PUT', '/projects/%s/users/%s/roles/%s' % (project['id'], user['id'], roles[name]['id']))
    if not created and not ks.password_token(SWIFT_USER, SWIFT_PASSWORD, 'service'):
        ks.call('PATCH', '/users/' + user['id'], {'user': {'password': SWIFT_PASSWORD, 'enabled': True}})
        print('  reset password of user %s' % SWIFT_USER)

    services = [s for s in ks.find('services', 'services', type='object-store') if s.get('name') == 'swift']
    if services:
        service = services[0]
    else:
        _, body, _ = ks.call('POST', '/services', {'service': {
            'name': 'swift', 'type': 'object-store', 'description': 'OpenStack Object Storage', 'enabled': True}})
        service = body['service']
        print('  created service swift (object-store)')
    want = swift_url.rstrip('/') + '/v1/AUTH_%(project_id)s'
    endpoints = ks.find('endpoints', 'endpoints', service_id=service['id'])
    for iface in ('public', 'internal', 'admin'):
        mine = [e for e in endpoints if e['interface'] == iface and (e.get('region_id') or e.get('region')) == REGION]
        if not mine:
            ks.call('POST', '/endpoints', {'endpoint': {
                'service_id': service['id'], 'interface': iface, 'region_id': REGION, 'url': want, 'enabled': True}})
            print('  created %s endpoint %s' % (iface, want))
            continue
        for extra in mine[1:]:
            ks.call('DELETE', '/endpoints/' + extra['id'])
        if mine[0]['url'] != want or not mine[0].get('enabled', True):
            ks.call('PATCH', '/endpoints/' + mine[0]['id'], {'endpoint': {'url': want, 'enabled': True}})
            print('  updated %s endpoint -> %s' % (iface, want))
    return 0


# ---------------------------------------------------------------- updater loop
def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ''


def _write_atomic(path, text):
    tmp = '%s.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


# The lab runs no replicator, whose job includes removing deleted container DBs after reclaim_age. Without it
# every container the suites create and delete stays on disk, and each updater sweep opens them all: after a few
# conformance runs a sweep took over 60 s and `swift.sh flush` timed out. Same rule as the replicator
# (DatabaseBroker.is_reclaimable), with a lab-sized reclaim age.
RECLAIM_EVERY_S = 300
RECLAIM_AGE_S = 600


def _reclaim_deleted_containers(devices, name):
    import shutil
    from swift.container.backend import ContainerBroker
    removed, now = 0, time.time()
    for dirpath, _dirs, files in os.walk(devices):
        if '/containers/' not in dirpath + '/':
            continue
        for f in files:
            if not f.endswith('.db'):
                continue
            try:
                broker = ContainerBroker(os.path.join(dirpath, f))
                if broker.is_reclaimable(now, RECLAIM_AGE_S):
                    shutil.rmtree(dirpath)
                    removed += 1
            except Exception as err:  # a DB being written or already gone: the next pass sees it again
                print('%s: reclaim skipped %s: %s' % (name, f, err), file=sys.stderr, flush=True)
    if removed:
        print('%s %s: reclaimed %d deleted container DBs' % (time.strftime('%Y-%m-%dT%H:%M:%S'), name, removed),
              file=sys.stderr, flush=True)


def cmd_updater(swift_dir, interval, flush_base=None):
    from swift.common.utils import eventlet_monkey_patch, get_logger, readconf
    eventlet_monkey_patch()  # once; Swift's run_once calls it again, which is then a no-op
    import traceback
    from swift.container.updater import ContainerUpdater
    from swift.obj.updater import ObjectUpdater

    interval = float(interval)
    cconf = readconf(os.path.join(swift_dir, 'container-server.conf'), 'container-updater')
    oconf = readconf(os.path.join(swift_dir, 'object-server.conf'), 'object-updater')
    for c in (cconf, oconf):
        c['log_level'] = 'WARNING'  # the per-sweep INFO lines would fill the log; warnings and errors still show
    name = cconf.get('log_name', 'swift')
    get_logger(cconf, name, log_to_console=True)  # console handler -> stderr -> the log file swift.sh opened
    cu, ou = ContainerUpdater(cconf), ObjectUpdater(oconf)
    print('%s: updater loop every %ss (object-updater, then container-updater)' % (name, interval),
          file=sys.stderr, flush=True)
    want_file = flush_base and flush_base + '.want'
    done_file = flush_base and flush_base + '.done'
    if flush_base:
        _write_atomic(flush_base + '.ready', str(os.getpid()))
    last_reclaim = 0.0
    while True:
        t0 = time.time()
        wanted = _read(want_file) if want_file else ''
        for label, u in (('object-updater', ou), ('container-updater', cu)):
            try:
                u.run_once()
            except Exception:
                print('%s: %s sweep failed:\n%s' % (name, label, traceback.format_exc()), file=sys.stderr, flush=True)
        done = ou.stats.successes + ou.stats.failures + cu.successes + cu.failures
        if done:
            print('%s %s: sweep %.2fs: object updates %d ok %d failed; container->account %d ok %d failed' % (
                time.strftime('%Y-%m-%dT%H:%M:%S'), name, time.time() - t0, ou.stats.successes,
                ou.stats.failures, cu.successes, cu.failures), file=sys.stderr, flush=True)
        if done_file and wanted and wanted != _read(done_file):
            _write_atomic(done_file, wanted)
        if time.time() - last_reclaim >= RECLAIM_EVERY_S:
            last_reclaim = time.time()
            _reclaim_deleted_containers(cconf.get('devices', '/srv/node'), name)
        # sleep until the next sweep is due, or until swift.sh flush asks for one
        while time.time() - t0 < max(0.5, interval):
            if want_file and _read(want_file) not in ('', wanted):
                break
            time.sleep(0.25)


# ---------------------------------------------------------------- merge ocx.yaml / lab.json
def cmd_merge(ocx_yaml, lab_json):
    import yaml

    cfg, header = {}, ''
    if os.path.exists(ocx_yaml):
        with open(ocx_yaml) as f:
            text = f.read()
        cfg = yaml.safe_load(text) or {}
        for line in text.splitlines(True):  # keep the leading comment block (yaml.safe_dump drops comments)
            if not line.startswith('#'):
                break
            header += line
    if not cfg:  # minimal file for standalone use; up.sh normally writes the real one first
        cfg = {'listen': {'host': '127.0.0.1', 'port': 8080}, 'public_url': 'http://127.0.0.1:8080', 'home': 'home'}
    providers = cfg.setdefault('providers', {}) or {}
    cfg['providers'] = providers
    for name, c in CLUSTERS.items():
        p = providers.get(name)
        if p is None:
            p = providers[name] = {'keystone_url': c['keystone'], 'priority': c['priority']}
        endpoints = p.get('endpoints') or {}
        endpoints['object-store'] = c['url'] + '/v1/AUTH_{project_id}'
        p['endpoints'] = endpoints
    t = providers.get(TEMPAUTH['name']) or {}
    t['priority'] = TEMPAUTH['priority']
    t['object_store'] = {'auth': 'tempauth', 'auth_url': TEMPAUTH['auth_url'],
                         'accounts': {k: dict(v) for k, v in TEMPAUTH['accounts'].items()}}
    providers[TEMPAUTH['name']] = t
    if '# Swift settings merged by deploy/lab/swift.sh' not in header:
        header += '# Swift settings merged by deploy/lab/swift.sh (providers.*.endpoints.object-store, lab-tempauth).\n'
    write_atomic(ocx_yaml, header + yaml.safe_dump(cfg, sort_keys=False, default_flow_style=False))

    lab = {}
    if os.path.exists(lab_json):
        with open(lab_json) as f:
            text = f.read().strip()
            lab = json.loads(text) if text else {}
    lab['swift'] = {
        'home': CLUSTERS['home']['url'],
        'bu-keystone': CLUSTERS['bu-keystone']['url'],
        TEMPAUTH['name']: {k: TEMPAUTH[k] for k in ('url', 'auth_url', 'user', 'key', 'accounts')},
    }
    write_atomic(lab_json, json.dumps(lab, indent=2) + '\n')
    return 0


def write_atomic(path, text):
    d = os.path.dirname(path) or '.'
    os.makedirs(d, exist_ok=True)
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    tmp = path + '.tmp.%d' % os.getpid()
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == 'rings' and len(args) == 4:
            return cmd_rings(*args) or 0
        if cmd == 'keystone' and len(args) == 2:
            return cmd_keystone(*args)
        if cmd == 'updater' and len(args) in (2, 3):
            return cmd_updater(*args)
        if cmd == 'merge' and len(args) == 2:
            return cmd_merge(*args)
    except RuntimeError as e:
        print('lab_swift.py %s: %s' % (cmd, e), file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
