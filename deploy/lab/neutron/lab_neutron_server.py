#!/usr/bin/python3
"""neutron-server for the lab (deploy/lab/neutron.sh), with SQLite made safe like the other lab services
(deploy/lab/openstack/lab_service.py) and a lab-only agent heartbeat.

    lab_neutron_server.py HOST --config-file neutron.conf

No Open vSwitch runs in the lab. The openvswitch mechanism driver binds a port on a host only when an alive
"Open vSwitch agent" of that host reports the port's network type (bridge_mappings for flat/vlan, tunnel_types
for vxlan). This keeps such an agent row alive for HOST (the cloud's nova-compute host) through the plugin's own
create_or_update_agent, every 20 s, so that Nova's fake driver can boot servers with ports.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'openstack'))
import lab_service  # noqa: E402

AGENT = {
    'agent_type': 'Open vSwitch agent',
    'binary': 'neutron-openvswitch-agent',
    'topic': 'N/A',
    'configurations': {
        'bridge_mappings': {'physnet1': 'br-physnet1'},
        'tunnel_types': ['vxlan'],
        'tunneling_ip': '127.0.0.1',
        'integration_bridge': 'br-int',
        'datapath_type': 'system',
        'ovs_hybrid_plug': False,
        'l2_population': False,
        'devices': 0,
        'extensions': [],
        'ovs_capabilities': {'datapath_types': ['system'], 'iface_types': []},
    },
}


def heartbeat(host):
    import eventlet
    from neutron_lib import context
    from neutron_lib.plugins import directory

    def loop():
        first = True
        while True:
            plugin = directory.get_plugin()
            if plugin is not None:
                try:
                    plugin.create_or_update_agent(context.get_admin_context(),
                                                  dict(AGENT, host=host, start_flag=first))
                    if first:
                        sys.stderr.write('lab heartbeat: Open vSwitch agent of %s reported\n' % host)
                    first = False
                except Exception as e:  # noqa: BLE001 - keep beating; the log says why it failed
                    sys.stderr.write('lab heartbeat failed: %s\n' % e)
            eventlet.sleep(20 if not first else 1)
    eventlet.spawn(loop)


def main():
    host = sys.argv[1]
    lab_service.install()
    sys.argv = ['neutron-server'] + sys.argv[2:]
    from neutron.cmd.eventlet import server  # monkey-patches first (neutron/cmd/eventlet/__init__.py)
    heartbeat(host)
    sys.exit(server.main())


if __name__ == '__main__':
    main()
