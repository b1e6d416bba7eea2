#!/usr/bin/python3
"""Real Neutron (Debian 12 / Zed neutron-server, ML2) for the ocx lab clouds. See docs/networking.md.

Run through deploy/lab/neutron.sh (as root, after deploy/lab/up.sh has the Keystones running):

    lab_neutron.py up     [CLOUD...]   render configs, create the SQLite schemas, register the neutron user and
                                       the network endpoints in each cloud's Keystone, start what is not running
                                       (both clouds in parallel), wait until it answers and binds ports, merge
                                       "neutron" into lab.json
    lab_neutron.py down   [CLOUD...]   stop the neutron-servers this script started (PID files)
    lab_neutron.py status [CLOUD...]   one line per process; exit 3 unless everything selected runs

Process handling, Keystone calls and logs are deploy/lab/openstack/lab_openstack.py's.
"""
import concurrent.futures as cf
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'openstack'))
import lab_openstack as lo  # noqa: E402

# Ports of the real Neutrons (deploy/lab/openstack/lab_openstack.py's CLOUDS, where Nova finds them).
PORTS = {'home': 9698, 'bu-keystone': 9699}
# Tenant networks are VXLAN from each cloud's own range; VLANs on physnet1 are the exchange's (provider networks).
VNI_RANGES = {'home': '1:1000', 'bu-keystone': '1:1000'}
PHYSNET = 'physnet1'
# The exchange-wide segment pool the lab proxy config names (docs/networking.md).
SEGMENT_POOL = {'physical_network': PHYSNET, 'vlan': [2000, 2099]}


def dirs(cloud):
    data = os.path.join(lo.OSDIR, cloud, 'neutron')
    return data, os.path.join(data, 'neutron.conf')


def proc(cloud):
    data, conf = dirs(cloud)
    port = PORTS[cloud]
    script = os.path.join(HERE, 'lab_neutron_server.py')
    return lo.Proc(cloud, 'neutron-server', [lo.PY, script, 'lab-' + cloud, '--config-file', conf],
                   ['lab_neutron_server.py', conf], [conf, script], port, 'http://127.0.0.1:%d/' % port)


def stop_legacy_stub(clouds):
    """The read-only Neutron stub earlier labs ran for Nova (its PID files): the real Neutron replaces it."""
    stubs = [lo.Proc(c, 'neutron-stub', [], ['neutron_stub.py']) for c in clouds]
    waiting = lo.signal_stop(stubs)
    if waiting:
        lo.wait_stopped(waiting)


def write_config(cloud):
    data, conf = dirs(cloud)
    os.makedirs(os.path.join(data, 'locks'), exist_ok=True)
    text = lo.render(os.path.join(HERE, 'neutron.conf'), {
        'CLOUD': cloud, 'KEYSTONE': 'http://127.0.0.1:%d' % lo.CLOUDS[cloud]['keystone'], 'REGION': lo.REGION,
        'PORT': PORTS[cloud], 'DATA': data, 'VNI_RANGE': VNI_RANGES[cloud]})
    lo.write_if_changed(conf, text)
    db = os.path.join(data, 'neutron.db')
    if not os.path.exists(db):
        out = subprocess.run([lo.PY, os.path.join(HERE, 'create_db.py'), db], capture_output=True, text=True,
                             env=lo.CLEAN_ENV)
        if out.returncode != 0:
            raise lo.Fail('%s: creating the Neutron schema failed:\n%s' % (cloud, out.stderr[-2000:]))
        lo.log('%s: neutron: schema created (%s)' % (cloud, out.stdout.strip()))


def register(ks):
    """The neutron user (admin + service in project service) and the network service's endpoints."""
    cloud = ks.cloud
    url = 'http://127.0.0.1:%d' % PORTS[cloud]
    marker = os.path.join(lo.OSDIR, cloud, 'neutron', '.keystone-registered')
    try:
        inode = os.stat(os.path.join(lo.LAB, cloud, 'keystone.db')).st_ino
    except OSError:
        inode = 0
    want = json.dumps({'v': 1, 'keystone_db': inode, 'url': url})
    try:
        with open(marker) as f:
            if f.read() == want:
                return
    except OSError:
        pass
    roles = [ks.ensure('roles', 'role', {'name': n}, {'name': n})['id'] for n in ('admin', 'service')]
    project = ks.ensure('projects', 'project', {'name': 'service', 'domain_id': 'default'},
                        {'name': 'service', 'domain_id': 'default', 'description': 'Service project'})['id']
    found = ks.find('users', name='neutron', domain_id='default')
    if found:
        uid = found[0]['id']
        ks.call('PATCH', '/users/' + uid, {'user': {'password': 'neutron-secret', 'enabled': True}})
    else:
        uid = ks.call('POST', '/users', {'user': {'name': 'neutron', 'domain_id': 'default',
                                                  'password': 'neutron-secret', 'enabled': True}})[1]['user']['id']
    for rid in roles:
        ks.call('PUT', '/projects/%s/users/%s/roles/%s' % (project, uid, rid))
    services = [s for s in ks.find('services', type='network') if s.get('name') == 'neutron']
    sid = services[0]['id'] if services else ks.call('POST', '/services', {'service': {
        'name': 'neutron', 'type': 'network', 'description': 'ocx lab network', 'enabled': True}})[1]['service']['id']
    endpoints = ks.find('endpoints', service_id=sid)
    for iface in ('public', 'internal', 'admin'):
        mine = [e for e in endpoints if e['interface'] == iface]
        if not mine:
            ks.call('POST', '/endpoints', {'endpoint': {'service_id': sid, 'interface': iface,
                                                        'region_id': lo.REGION, 'url': url, 'enabled': True}})
        elif mine[0]['url'] != url:
            ks.call('PATCH', '/endpoints/' + mine[0]['id'], {'endpoint': {'url': url, 'enabled': True}})
    lo.write_if_changed(marker, want)
    lo.log('%s: keystone: neutron user and network endpoints registered (%s)' % (cloud, url))


def agent_alive(ks):
    st, b, _ = lo.http('GET', 'http://127.0.0.1:%d/v2.0/agents?host=lab-%s' % (PORTS[ks.cloud], ks.cloud),
                       headers={'X-Auth-Token': ks.token()})
    return st == 200 and any(a.get('alive') for a in (b or {}).get('agents', []))


def up(clouds):
    deadline = lo.Deadline(lo.WAIT)
    keystones = {c: lo.Keystone(c) for c in clouds}
    for c, ks in keystones.items():
        if not lo.http_ready(ks.url + '/v3'):
            raise lo.Fail('%s: Keystone %s is not answering: run deploy/lab/up.sh first' % (c, ks.url))
    if not os.path.exists('/usr/bin/neutron-server'):
        raise lo.Fail('neutron-server is not installed: run deploy/lab/install.sh')
    procs = {c: proc(c) for c in clouds}
    stop_legacy_stub(clouds)

    def one(c):
        write_config(c)
        register(keystones[c])
        p = procs[c]
        if p.pid() is not None and not p.current():
            lo.log('%s: neutron: configuration changed, restarting' % c)
            lo.wait_stopped(lo.signal_stop([p]))
        if p.pid() is None:
            p.start()
        lo.wait_for(p.key, lambda: lo.http_ready(p.health), deadline, [p])
        lo.wait_for('%s: the lab Open vSwitch agent of lab-%s' % (c, c), lambda: agent_alive(keystones[c]),
                    deadline, [p], 0.5)
        if p.started_at is not None:
            lo.log('%s: neutron ready (%.1fs)' % (c, lo.time.monotonic() - p.started_at))

    with cf.ThreadPoolExecutor(max_workers=len(clouds)) as pool:
        for f in [pool.submit(one, c) for c in clouds]:
            f.result()
    merge_lab_json(clouds)
    return 0


def merge_lab_json(clouds):
    with lo.lab_json_locked():  # lab_openstack.py merges its own section at the same time
        _merge_lab_json(clouds)


def _merge_lab_json(clouds):
    path = os.path.join(lo.LAB, 'lab.json')
    try:
        with open(path) as f:
            lab = json.load(f)
    except (OSError, ValueError):
        lab = {}
    section = lab.get('neutron') or {'clouds': {}}
    for c in clouds:
        section['clouds'][c] = {'url': 'http://127.0.0.1:%d' % PORTS[c], 'port': PORTS[c], 'compute_host': 'lab-' + c,
                                'physical_network': PHYSNET, 'service_user': {'name': 'neutron',
                                                                              'password': 'neutron-secret',
                                                                              'project': 'service'}}
    section['segment_pool'] = SEGMENT_POOL
    lab['neutron'] = section
    lo.write_if_changed(path, json.dumps(lab, indent=2) + '\n')


def main(argv):
    if len(argv) < 2 or argv[1] not in ('up', 'down', 'status'):
        print(__doc__, file=sys.stderr)
        return 2
    cmd, names = argv[1], argv[2:]
    bad = [n for n in names if n not in PORTS]
    if bad:
        print('unknown cloud %r (known: %s)' % (bad[0], ' '.join(PORTS)), file=sys.stderr)
        return 2
    clouds = names or list(PORTS)
    os.makedirs(lo.RUN, exist_ok=True)
    os.makedirs(lo.LOGS, exist_ok=True)
    try:
        if cmd == 'up':
            return up(clouds)
        if cmd == 'down':
            waiting = lo.signal_stop([proc(c) for c in clouds])
            lo.wait_stopped(waiting)
            lo.log('neutron down: %s (stopped %d)' % (' '.join(clouds), len(waiting)))
            return 0
        ok = True
        for c in clouds:
            p = proc(c)
            pid = p.pid()
            ok = ok and pid is not None and lo.http_ready(p.health)
            print('%-28s %-8s %s' % (p.key, 'pid %d' % pid if pid else 'DOWN', p.health))
        return 0 if ok else 3
    except lo.Fail as e:
        print('[neutron] ERROR: %s' % e, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
