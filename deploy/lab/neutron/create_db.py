#!/usr/bin/python3
"""Create a lab Neutron's SQLite schema from its models (deploy/lab/neutron.sh).

    create_db.py DB_PATH

Neutron's alembic migrations do not run on SQLite (ALTER TABLE); its own tests build the schema from the models
the same way. Idempotent: tables that exist are left alone.
"""
import sys

import sqlalchemy
from neutron.db.migration.models import head  # noqa: F401 - imports every model
from neutron_lib.db import model_base

engine = sqlalchemy.create_engine('sqlite:///' + sys.argv[1])
model_base.BASEV2.metadata.create_all(engine)
with engine.connect() as con:
    con.exec_driver_sql('PRAGMA journal_mode=WAL')
print('%d tables' % len(model_base.BASEV2.metadata.tables))
