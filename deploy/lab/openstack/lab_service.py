#!/usr/bin/python3
"""Run an OpenStack service of the lab with SQLite made safe for several processes (deploy/lab/openstack.sh).

    lab_service.py SCRIPT [ARGS...]            e.g. lab_service.py /usr/bin/nova-api --config-file nova.conf
    lab_service.py -m MODULE:FUNC [ARGS...]     e.g. lab_service.py -m nova.cmd.compute:main --config-file ...
    (as a uwsgi --wsgi-file, with OCX_LAB_WSGI_SCRIPT=/usr/bin/placement-api: serves that script's application)

oslo.db starts every SQLite transaction with a deferred BEGIN. With several processes on one database (Nova's
api, conductor and scheduler; Cinder's api, scheduler and volume), a transaction that read first and writes then
fails AT ONCE with "database is locked" whenever another process wrote in between (SQLite cannot upgrade a stale
WAL snapshot, and does not call its busy handler for that): `server delete` answered 500 in the lab. Here every
transaction starts with BEGIN IMMEDIATE instead, so writers queue (up to 30 s) rather than fail.

The queueing is done here, with time.sleep between short tries, not by SQLite's busy handler: the services run
under eventlet, where that handler's sleep blocks the whole process, so the greenthread holding the lock in the
same process (e.g. Neutron's single API process) cannot commit until the waiter gives up: every request stalled
30 s and then failed with "database is locked". eventlet patches time.sleep, so a waiter yields to the holder.

Only writer transactions (oslo.db enginefacade's WRITER mode, or a transaction outside enginefacade) take the lock
up front; a READER's deferred BEGIN reads its WAL snapshot without it. Otherwise a reader that opens an independent
writer in the same greenthread (Neutron's security group show makes the project's default group) waits on itself.
A connection that begins while its greenthread has a writer open and holds no lock yet takes it too (_writes_now
says why).
"""
import importlib.util
import os
import runpy
import sys
import time

# How long a writer waits for the database in all, and how long one try may block in SQLite's busy handler.
LOCK_WAIT_S = 30.0
BUSY_TIMEOUT_MS = 20


def patch_sqlite():
    import sqlite3

    import sqlalchemy
    from sqlalchemy.engine import Engine

    @sqlalchemy.event.listens_for(Engine, 'connect')
    def _busy_timeout(dbapi_con, _record):
        if type(dbapi_con).__module__.startswith('sqlite3'):
            dbapi_con.execute('PRAGMA busy_timeout = %d' % BUSY_TIMEOUT_MS)

    @sqlalchemy.event.listens_for(Engine, 'begin')
    def _begin_immediate(conn):
        # oslo.db sets isolation_level None and emits its own "BEGIN" unless conn.info says a transaction is open:
        # emit BEGIN IMMEDIATE first and say so.
        if conn.dialect.name != 'sqlite' or 'in_transaction' in conn.info:
            return
        key = _current_key()
        if not _writes_now(key):
            return  # oslo.db's own deferred BEGIN
        if conn.connection.dbapi_connection.isolation_level is not None:
            return  # not oslo.db's engine setup: pysqlite manages its own BEGIN
        deadline = time.monotonic() + LOCK_WAIT_S
        pause = 0.005
        while True:
            try:
                conn.connection.dbapi_connection.execute('BEGIN IMMEDIATE')
                break
            except sqlite3.OperationalError as e:
                if 'locked' not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(pause)  # green under eventlet: the lock's holder runs meanwhile
                pause = min(pause * 2, 0.1)
        conn.info['in_transaction'] = True
        conn.info['lab_write_lock'] = key
        _LOCKS_HELD[key] = _LOCKS_HELD.get(key, 0) + 1

    @sqlalchemy.event.listens_for(Engine, 'commit')
    @sqlalchemy.event.listens_for(Engine, 'rollback')
    def _released(conn):
        key = conn.info.pop('lab_write_lock', None)
        if key is None:
            return
        left = _LOCKS_HELD.get(key, 1) - 1
        if left > 0:
            _LOCKS_HELD[key] = left
        else:
            _LOCKS_HELD.pop(key, None)


# The modes of the enginefacade transactions each greenthread (or thread) opened and has not closed, innermost
# last, keyed by the greenlet's id: keyed explicitly, so it is per greenthread whether or not eventlet patched
# threading before this module was imported.
_OPEN_MODES = {}


def _current_key():
    try:
        from greenlet import getcurrent
    except ImportError:  # no greenlet: threads only
        import threading
        return threading.get_ident()
    return id(getcurrent())


# Write locks (BEGIN IMMEDIATE transactions) each greenthread holds now, keyed as _OPEN_MODES.
_LOCKS_HELD = {}


def _writes_now(key):
    """Whether the transaction beginning now in greenthread `key` takes the write lock up front.

    The innermost transaction a greenthread opened is not always the one whose connection begins: Neutron's (Zed,
    Debian 12) database get_object for its objects is decorated CONTEXT_READER with the object's class first, which
    enginefacade takes for the context, so it opens a reader of its own inside a writer (remove_reservation) while
    the query runs on the writer's session, whose connection then began deferred under the 'reader' and its
    DELETE failed "database is locked" (Neutron's subnet create answered 500 in the lab). So a writer anywhere in
    the greenthread's open transactions takes the lock, unless the greenthread holds it already: then what begins
    is a second connection (a reader or an independent writer), which must not wait on its own greenthread.
    """
    stack = _OPEN_MODES.get(key)
    if not stack:
        return True  # a transaction outside enginefacade
    if stack[-1] == 'writer':
        return True
    return 'writer' in stack and not _LOCKS_HELD.get(key)


def patch_enginefacade():
    """Records the mode of each enginefacade transaction that opens its own session or connection."""
    import contextlib

    from oslo_db.sqlalchemy import enginefacade as ef

    def recording(original, attr):
        @contextlib.contextmanager
        def opened(self, savepoint=False, context=None):
            fresh = getattr(self, attr) is None
            key = _current_key()
            if fresh:
                _OPEN_MODES.setdefault(key, []).append('writer' if self.mode is ef._WRITER else 'reader')
            try:
                with original(self, savepoint, context) as got:
                    yield got
            finally:
                if fresh:
                    stack = _OPEN_MODES.get(key, [])
                    if stack:
                        stack.pop()
                    if not stack:
                        _OPEN_MODES.pop(key, None)
        return opened

    ctx = ef._TransactionContext
    ctx._session = recording(ctx._session, 'session')
    ctx._connection = recording(ctx._connection, 'connection')


class _PatchAfterImport:
    """Applies `patch` right after `module` is imported, i.e. after the service's own eventlet monkey-patching
    (importing SQLAlchemy before it would leave real thread locks in its pool)."""

    def __init__(self, module, patch):
        self.module = module
        self.patch = patch

    def find_spec(self, name, path=None, target=None):
        if name != self.module:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_then_patch(module):
            exec_module(module)
            self.patch()

        spec.loader.exec_module = exec_then_patch
        return spec


def install():
    sys.meta_path.insert(0, _PatchAfterImport('oslo_db.sqlalchemy.engines', patch_sqlite))
    sys.meta_path.insert(0, _PatchAfterImport('oslo_db.sqlalchemy.enginefacade', patch_enginefacade))


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
