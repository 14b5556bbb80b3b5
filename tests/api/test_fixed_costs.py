"""What every request pays, kept small: no ping before each use of a connection (a dropped one
is replaced and the request runs again), the signed-in user read once per request."""

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from fieldapp.extensions import db
from tests.api.helpers import intake_body, op

postgres_only = pytest.mark.skipif(
    "'postgresql' not in __import__('os').environ.get('DATABASE_URL', '')",
    reason="ends the app's backends with pg_terminate_backend",
)


def _end_the_apps_connections() -> int:
    """Terminate every backend of the test database, as a restart of the server would."""
    admin = create_engine(db.engine.url, poolclass=NullPool)
    with admin.connect() as conn:
        ended = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
        conn.commit()
    admin.dispose()
    return ended


@postgres_only
def test_a_dropped_connection_is_replaced_and_the_read_answers(org, client, login, new_ticket):
    ticket = new_ticket()
    login("crew")
    assert client.get(f"/api/v1/tickets/{ticket['id']}").status_code == 200
    assert _end_the_apps_connections() >= 1
    answer = client.get(f"/api/v1/tickets/{ticket['id']}")
    assert answer.status_code == 200 and answer.get_json()["id"] == ticket["id"]


@postgres_only
def test_a_dropped_connection_is_replaced_and_the_push_is_written_once(org, push_ticket):
    assert push_ticket(intake_body()).status_code == 201
    assert _end_the_apps_connections() >= 1
    body = intake_body()
    answer = push_ticket(body)
    assert answer.status_code == 201 and answer.get_json()["crm_id"] == body["crm_id"]
    assert push_ticket(body).status_code == 200  # written once: the same push is known now


def test_a_sync_reads_the_signed_in_user_once(org, sync, new_ticket):
    ids = [new_ticket()["id"] for _ in range(20)]
    send = sync("crew")
    statements = []

    def note(_conn, _cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        results = send(*[op(i, "accept") for i in ids])
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert {r["status"] for r in results} == {"applied"}
    reads = ["FROM users" in s and "users.password_hash" in s for s in statements]
    last_write = max(i for i, s in enumerate(statements) if s.startswith(("INSERT", "UPDATE")))
    # The sign-in check reads the user; the batch uses that copy to its commit (the response's
    # loads of the tickets' assignees and event authors come after it).
    assert reads[:last_write].count(True) == 1, statements
    assert reads.count(True) <= 3
