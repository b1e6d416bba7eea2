#!/usr/bin/python3
"""Run an OpenStack service of the lab with SQLite made safe for several processes (deploy/lab/openstack.sh).

    lab_service.py SCRIPT [ARGS...]            e.g. lab_service.py /usr/bin/nova-api --config-file nova.conf
    lab_service.py -m MODULE:FUNC [ARGS...]     e.g. lab_service.py -m nova.cmd.compute:main --config-file ...
    (as a uwsgi --wsgi-file, with OCX_LAB_WSGI_SCRIPT=/usr/bin/placement-api: serves that script's application)

oslo.db starts every SQLite transaction with a deferred BEGIN. With several processes on one database (Nova's
api, conductor and scheduler; Cinder's api, scheduler and volume), a transaction that read first and writes then
fails AT ONCE with "database is locked" whenever another process wrote in between (SQLite cannot upgrade a stale
WAL snapshot, and does not call its busy handler for that): `server delete` answered 500 in the lab. Here every
transaction starts with BEGIN IMMEDIATE instead, so writers queue on the busy timeout (30 s) rather than fail.
"""
import importlib.util
import os
import runpy
import sys


def patch_sqlite():
    import sqlalchemy
    from sqlalchemy.engine import Engine

    @sqlalchemy.event.listens_for(Engine, 'connect')
    def _busy_timeout(dbapi_con, _record):
        if type(dbapi_con).__module__.startswith('sqlite3'):
            dbapi_con.execute('PRAGMA busy_timeout = 30000')

    @sqlalchemy.event.listens_for(Engine, 'begin')
    def _begin_immediate(conn):
        # oslo.db sets isolation_level None and emits its own "BEGIN" unless conn.info says a transaction is open:
        # emit BEGIN IMMEDIATE first and say so.
        if conn.dialect.name != 'sqlite' or 'in_transaction' in conn.info:
            return
        if conn.connection.dbapi_connection.isolation_level is not None:
            return  # not oslo.db's engine setup: pysqlite manages its own BEGIN
        conn.exec_driver_sql('BEGIN IMMEDIATE')
        conn.info['in_transaction'] = True


class _PatchAfterOsloDb:
    """Applies patch_sqlite() right after oslo_db.sqlalchemy.engines is imported, i.e. after the service's own
    eventlet monkey-patching (importing SQLAlchemy before it would leave real thread locks in its pool)."""

    def find_spec(self, name, path=None, target=None):
        if name != 'oslo_db.sqlalchemy.engines':
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_then_patch(module):
            exec_module(module)
            patch_sqlite()

        spec.loader.exec_module = exec_then_patch
        return spec


def install():
    sys.meta_path.insert(0, _PatchAfterOsloDb())


def main():
    install()
    args = sys.argv[1:]
    if args and args[0] == '-m':
        module, func = args[1].split(':')
        parts = module.split('.')
        sys.argv = ['%s-%s' % (parts[0], parts[-1])] + args[2:]  # nova.cmd.compute -> nova-compute
        mod = __import__(module, fromlist=[func])
        sys.exit(getattr(mod, func)())
    sys.argv = args
    runpy.run_path(args[0], run_name='__main__')


if __name__ == '__main__':
    main()
elif os.environ.get('OCX_LAB_WSGI_SCRIPT'):  # uwsgi --wsgi-file lab_service.py
    install()
    application = runpy.run_path(os.environ['OCX_LAB_WSGI_SCRIPT'], run_name='ocx_lab_wsgi')['application']
