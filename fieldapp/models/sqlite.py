"""SQLite as a real multi-process store: WAL, foreign keys, and writes that serialise.

pysqlite opens transactions lazily and as readers, so two requests could both read a ticket
and then both write it (a lost update), or fail when a reader tries to become a writer.
A write path therefore asks for its transaction to begin IMMEDIATE (see begin_write), which
takes the write lock first: on SQLite that is what the row lock is on PostgreSQL.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

IMMEDIATE = "fieldapp_sqlite_immediate"


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_conn, _record) -> None:
    if not isinstance(dbapi_conn, sqlite3.Connection):
        return
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below takes over
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        immediate = conn.get_execution_options().get(IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
