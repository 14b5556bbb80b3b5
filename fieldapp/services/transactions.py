"""Starting a transaction that will write, so that concurrent writers queue instead of clash."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models.sqlite import IMMEDIATE


def begin_write(*keep: object) -> None:
    """End whatever the session was reading and open a write transaction.

    On SQLite the transaction takes the database's write lock at once; on PostgreSQL the
    caller locks the rows it changes (SELECT ... FOR UPDATE). `keep`: objects read earlier in
    the request (the signed-in user) that stay as they were read; ending the reads would
    expire them, and their next use would read them again.
    """
    objects = [getattr(obj, "_get_current_object", lambda o=obj: o)() for obj in keep]  # proxies
    kept = [
        (obj, {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs})
        for obj in objects
    ]
    db.session.rollback()
    for obj, values in kept:
        for key, value in values.items():
            set_committed_value(obj, key, value)
    db.session.connection(execution_options={IMMEDIATE: True})


@contextmanager
def write_connection(*keep: object, one_statement: bool = False) -> Iterator[Connection]:
    """The connection a write runs its statements on, committed when the block ends well.

    `one_statement`: the caller locks nothing and writes in one statement, atomic by itself.
    On PostgreSQL it then runs on a pooled connection of its own in autocommit, outside the
    session: no BEGIN or COMMIT round trips, and none of the session's bookkeeping, which cost
    a CRM push more than its rules. Otherwise: the session's connection in a write transaction
    (begin_write, `keep` as there), committed at the end, rolled back on an error.
    """
    if one_statement and db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection
        return
    begin_write(*keep)
    try:
        yield db.session.connection()
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def upsert(table: Table, keys: Iterable[str], update: Iterable[str] = ()):
    """INSERT … ON CONFLICT (keys): update the named columns, or do nothing if none."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    keys, update = list(keys), list(update)
    if update:
        return statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in update}
        )
    return statement.on_conflict_do_nothing(index_elements=keys)
