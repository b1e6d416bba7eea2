#!/usr/bin/python3
"""Create a lab Nova's three SQLite databases in one process (deploy/lab/openstack.sh).

Does what `nova-manage api_db sync`, `cell_v2 map_cell0`, `cell_v2 create_cell --name cell1` and `db sync` do,
but pays for importing Nova once instead of four times (~2 s of CPU each).

    nova_dbs.py NOVA_CONF CELL0_DB_URL
"""
import sys


def main():
    conf, cell0 = sys.argv[1], sys.argv[2]
    from nova import config, objects
    from nova.cmd import manage
    from oslo_log import log as logging

    config.parse_args(['nova-manage', '--config-file', conf])
    logging.setup(manage.CONF, 'nova')
    objects.register_all()
    steps = [
        ('api_db sync', lambda: manage.ApiDbCommands().sync()),
        ('cell_v2 map_cell0', lambda: manage.CellV2Commands().map_cell0(database_connection=cell0)),
        ('cell_v2 create_cell --name cell1', lambda: manage.CellV2Commands().create_cell(name='cell1')),
        ('db sync', lambda: manage.DbCommands().sync()),
    ]
    for name, step in steps:
        rc = step()
        if isinstance(rc, int) and rc != 0:
            print('nova-manage %s failed (%d)' % (name, rc), file=sys.stderr)
            return 1
        print('nova-manage %s: done' % name, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
