"""The CRM's push in two statements: one read, one write; teams and calendar kept per process
until an administrator changes them; the answer is what was written."""

import re
import threading
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.dialects import postgresql

from fieldapp.desk.walkin import create_walkin
from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Reminder, Team, Ticket
from fieldapp.services import intake
from fieldapp.services.calendar import set_override
from fieldapp.services.org import load_org
from fieldapp.services.precompiled import Precompiled
from tests.api.helpers import intake_body
from tests.services.test_apply import Statements


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_a_push_costs_one_read_and_one_write(org, push_ticket):
    assert push_ticket(intake_body()).status_code == 201  # the process's copies are built
    with Statements() as counted:
        answer = push_ticket(intake_body(customer={"code": "PC03AA0000099"}))
    assert answer.status_code == 201
    # PostgreSQL: the lookup and one WITH … INSERT statement (BEGIN and COMMIT are not
    # cursor statements). SQLite has no INSERT inside WITH: its BEGIN IMMEDIATE, the lookup,
    # then the ticket, its event, its reminders.
    assert counted.count <= (2 if _postgres() else 5), counted.count


def test_the_answer_is_the_ticket_as_stored(org, push_ticket, client, login):
    created = _settled(push_ticket(intake_body(customer={"station": "T-17"})).get_json())
    login("crew")
    assert _settled(client.get(f"/api/v1/tickets/{created['id']}").get_json()) == created
    assert created["events"][0]["action"] == "received" and created["reminders"]


def test_a_repeated_crm_id_is_answered_with_the_ticket_unchanged(org, push_ticket):
    body = intake_body()
    first = _settled(push_ticket(body).get_json())
    again = push_ticket({**body, "content": "khác"})
    assert again.status_code == 200 and _settled(again.get_json()) == first
    assert db.session.scalar(select(func.count(Event.id))) == 1


def _settled(ticket: dict) -> dict:
    """A ticket's JSON without what is judged at the moment of each answer."""
    return {k: v for k, v in ticket.items() if k not in ("late", "overdue")}


def test_a_calendar_override_reaches_the_next_push(org, push_ticket):
    received = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)  # a Friday, 9:00 in Vietnam
    body = {"type": "NEW_SUPPLY_LV", "received_at": received.isoformat()}
    before = push_ticket(intake_body(**body)).get_json()["resolve_by"]
    set_override(date(2026, 3, 9), "off", "nghỉ bù")  # the next Monday
    after = push_ticket(intake_body(**body)).get_json()["resolve_by"]
    assert after > before


def test_a_team_added_meanwhile_is_known_at_once(org, push_ticket):
    assert push_ticket(intake_body()).status_code == 201
    load_org(
        {
            "companies": [
                {
                    "code": "PC-DN",
                    "name": "Công ty Điện lực Đà Nẵng",
                    "teams": [{"code": "PC-DN-NHS", "name": "Đội Ngũ Hành Sơn"}],
                }
            ]
        }
    )
    answer = push_ticket(intake_body(team="PC-DN-NHS"))
    assert answer.status_code == 201 and answer.get_json()["team"] == "PC-DN-NHS"


def test_a_team_removed_meanwhile_is_refused(org, push_ticket):
    spare = Team(code="PC-DN-TMP", name="Đội tạm", company=org["companies"]["PC-DN"])
    db.session.add(spare)
    db.session.commit()
    assert push_ticket(intake_body(team="PC-DN-TMP")).status_code == 201
    db.session.execute(db.delete(Reminder))
    db.session.execute(db.delete(Event))
    db.session.execute(db.delete(Ticket))
    db.session.delete(spare)
    db.session.commit()
    answer = push_ticket(intake_body(team="PC-DN-TMP"))
    assert answer.status_code == 400 and "team" in answer.get_json()["errors"]


def test_a_walk_in_callback_names_the_new_tickets_stream(org):
    ticket, errors = create_walkin(
        {
            "type": "NEW_SUPPLY_LV",
            "content": "Lắp công tơ",
            "customer_name": "Khách",
            "walkin_id": "w-1",
        },
        org["users"]["desk"],
    )
    assert not errors
    callback = db.session.execute(select(CrmCallback)).scalar_one()
    assert callback.ticket_id == ticket.id and callback.stream == f"ticket:{ticket.id}"


@pytest.mark.skipif(
    "'postgresql' not in __import__('os').environ.get('DATABASE_URL', '')",
    reason="the insert waits on another transaction's row: PostgreSQL",
)
def test_a_twin_push_written_first_wins_and_ours_writes_nothing(org, push_ticket, app):
    """Our lookup ran before the twin committed; our insert meets its crm_id and does nothing."""
    model = push_ticket(intake_body()).get_json()
    twin_id = "CPC-TWIN-000001"
    columns = [c.name for c in Ticket.__table__.columns if c.name not in ("id", "crm_id")]
    other = db.engine.connect()
    twin = other.begin()
    other.execute(
        insert(Ticket.__table__).from_select(
            ["crm_id", *columns],
            select(text(f"'{twin_id}'"), *[Ticket.__table__.c[c] for c in columns]).where(
                Ticket.__table__.c.id == model["id"]
            ),
        )
    )
    answers = []
    pushing = threading.Thread(
        target=lambda: answers.append(push_ticket(intake_body(crm_id=twin_id)))
    )
    pushing.start()
    _wait_until_blocked()
    twin.commit()
    pushing.join(timeout=30)
    other.close()
    [answer] = answers
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["crm_id"] == twin_id and body["events"] == [] and body["reminders"] == []
    db.session.remove()
    assert db.session.scalar(select(func.count(Ticket.id)).where(Ticket.crm_id == twin_id)) == 1


def _wait_until_blocked(timeout: float = 20) -> None:
    """Until another backend of this database waits for a lock (our push, on the twin's row).
    Asked afresh each time: within one transaction the activity view stays as first read."""
    deadline = time.monotonic() + timeout
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        while time.monotonic() < deadline:
            if conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar():
                return
            time.sleep(0.01)
    raise AssertionError("the push never waited for the twin's row")


@pytest.mark.skipif(
    "'postgresql' not in __import__('os').environ.get('DATABASE_URL', '')",
    reason="PostgreSQL's plan of a prepared statement",
)
@pytest.mark.parametrize("by_customer", [True, False])
def test_the_lookup_reads_tickets_by_index_whatever_the_statistics(org, by_customer):
    """The driver prepares the lookup after a few pushes, and PostgreSQL may then keep one
    generic plan for the connection's life. Planned on the empty, never analysed table this
    test starts with, that plan must still find tickets by index: a sequential scan would be
    kept while the table grows, and every push would read every ticket."""
    with db.engine.connect() as conn:
        compiled = intake._lookup_statement(by_customer).compiled(conn.dialect)
        names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", compiled.sql)))
        numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", compiled.sql)
        conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql(f"PREPARE lookup AS {numbered}")
        nulls = ", ".join("NULL" for _ in names)  # a generic plan holds for any values
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN EXECUTE lookup({nulls})"))
        conn.exec_driver_sql("DEALLOCATE lookup")
        conn.exec_driver_sql("RESET plan_cache_mode")
    reads = re.findall(r"(\w+ Scan)(?: using \w+)? on tickets\b", plan)
    assert reads == ["Index Scan"] * (3 if by_customer else 2), plan  # one per way of finding


def test_a_precompiled_statement_refuses_an_in_list():
    """An IN list is written into the SQL per execution, so it cannot be compiled once."""
    statement = Precompiled(select(Ticket.id).where(Ticket.status.in_(["received", "accepted"])))
    with pytest.raises(ValueError, match="IN list"):
        statement.compiled(postgresql.psycopg.dialect())


def test_a_precompiled_statement_keeps_its_constants_apart_from_its_parameters():
    statement = Precompiled(
        select(Ticket.id).where(Ticket.status == "received", Ticket.crm_id == bindparam("crm_id"))
    )
    compiled = statement.compiled(postgresql.psycopg.dialect())
    assert "%(crm_id)s" in compiled.sql
    assert list(compiled.constants.values()) == ["received"]
