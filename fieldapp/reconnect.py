"""A request that meets a dropped database connection is run again, once, on a fresh one.

No ping before each checkout (a round trip per request, to guard against a rare event):
connections are recycled before the server or a firewall would close them (pool_recycle in
Config), and a connection found dead anyway (the server restarted, an administrator ended the
backend) fails its first statement. SQLAlchemy then discards it and every connection older
than it, and the request is run again, when that is safe: a read, or a write whose
transaction never reached its COMMIT, so the database dropped it with the connection.
"""

from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fieldapp.extensions import db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def init_app(app: Flask) -> None:
    """Retry requests whose database connection was found dropped."""
    app.register_error_handler(DBAPIError, _retry_once)


def _retry_once(err: DBAPIError):
    if not _may_retry(err):
        raise err
    g.fieldapp_db_retried = True
    current_app.logger.warning("database connection dropped; the request is run again")
    db.session.rollback()  # the session lets go of the dead connection
    answer = current_app.preprocess_request()
    return answer if answer is not None else current_app.dispatch_request()


def _may_retry(err: DBAPIError) -> bool:
    return (
        err.connection_invalidated
        and not g.get("fieldapp_db_retried")
        and (request.method in SAFE_METHODS or not g.get("fieldapp_db_committing"))
    )


@event.listens_for(Session, "before_commit")
def _committing(_session) -> None:
    """Past this point a write may have been applied: its request is not run again."""
    if has_app_context():
        g.fieldapp_db_committing = True
