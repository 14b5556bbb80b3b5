"""The demo: the organisation file, and the simulated CRM's tickets, signatures and pushes."""

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from fieldapp.api.schemas import IntakeSchema
from fieldapp.demo import crm_simulator as sim
from fieldapp.demo import storm
from fieldapp.extensions import db
from fieldapp.models import ROLES, Ticket
from fieldapp.rules.catalog import CHANNELS, TYPES
from fieldapp.rules.customers import ELDERLY_MEN, ELDERLY_WOMEN
from fieldapp.services.org import load_org

ORG = json.loads((Path(sim.__file__).parent / "org.json").read_text(encoding="utf-8"))
TEAMS = [t["code"] for c in ORG["companies"] for t in c["teams"]]
NOW = datetime.now(sim.LOCAL).replace(microsecond=0)


def first(n: int, seed: int = 7) -> list[dict]:
    stream = sim.ticket_stream(seed, TEAMS, first_seq=1, clock=lambda: NOW)
    return [next(stream) for _ in range(n)]


def test_the_demo_org_has_every_role_in_both_companies():
    assert {c["code"] for c in ORG["companies"]} == {"PC-DN", "PC-QN"}
    assert TEAMS == ["PC-DN-HC", "PC-DN-ST", "PC-QN-HA", "PC-QN-TK"]
    assert {u["role"] for u in ORG["users"]} == set(ROLES)
    for team in TEAMS:
        roles = [u["role"] for u in ORG["users"] if u.get("team") == team]
        assert 2 <= roles.count("crew") <= 3 and 1 <= roles.count("desk") <= 2
        assert roles.count("team_lead") == 1
    assert {u["company"] for u in ORG["users"] if u["role"] == "company"} == {"PC-DN", "PC-QN"}


def test_every_type_has_content_and_comes_round_early():
    assert set(sim.CONTENT) == set(TYPES)
    assert {t["type"] for t in first(60)} == set(TYPES)


def test_tickets_have_the_contract_shape():
    for ticket in first(80):
        assert set(ticket) == {
            "crm_id",
            "type",
            "received_at",
            "team",
            "channel",
            "content",
            "customer",
            "repeat_of",
            "contact_count",
        }
        assert ticket["team"] in TEAMS and ticket["channel"] in CHANNELS
        assert datetime.fromisoformat(ticket["received_at"]).utcoffset() == timedelta(hours=7)
        customer = ticket["customer"]
        assert {"code", "name", "phone", "address", "important", "difficult"} <= set(customer)
        assert not {"birth_date", "birth_year"} <= set(customer)
        assert IntakeSchema().validate(json.loads(json.dumps(ticket))) == {}


def test_the_mix_has_special_customers_repeats_and_late_tickets():
    tickets = first(80)
    by_id = {t["crm_id"]: t for t in tickets}
    assert len(by_id) == len(tickets)

    def age(c):
        born = c.get("birth_year") or int((c.get("birth_date") or "9999")[:4])
        return NOW.year - born - 1  # a birthday later this year counts against

    def threshold(c):
        return ELDERLY_MEN if c["sex"] == "M" else ELDERLY_WOMEN

    elderly = [
        t
        for t in tickets
        if t["customer"].get("sex") and age(t["customer"]) >= threshold(t["customer"])
    ]
    assert elderly
    assert any(t["customer"]["important"] for t in tickets)
    assert any(t["customer"]["difficult"] for t in tickets)

    repeats = [t for t in tickets if t["repeat_of"]]
    assert repeats
    for t in repeats:
        original = by_id[t["repeat_of"]]
        assert t["contact_count"] >= 2 and original["contact_count"] == 1
        assert (t["customer"], t["type"], t["team"]) == (
            original["customer"],
            original["type"],
            original["team"],
        )

    def overdue(t):
        waited = NOW - datetime.fromisoformat(t["received_at"])
        hours = TYPES[t["type"]].resolve_hours
        return waited > (timedelta(hours=hours) if hours else timedelta(days=15))

    assert any(overdue(t) for t in tickets)
    assert any(
        timedelta(minutes=5) < NOW - datetime.fromisoformat(t["received_at"]) < timedelta(hours=1)
        for t in tickets
    )


def test_generation_is_deterministic_for_a_seed():
    assert first(30, seed=3) == first(30, seed=3)
    assert first(30, seed=3) != first(30, seed=4)


def test_the_signature_verifies():
    body = json.dumps(first(1)[0]).encode()
    headers = sim.signed_request(body, "s3cret", NOW)
    assert headers["X-CRM-Timestamp"] == str(int(NOW.timestamp()))
    mac = hmac.new(b"s3cret", f"{headers['X-CRM-Timestamp']}.".encode() + body, hashlib.sha256)
    assert headers["X-CRM-Signature"] == f"sha256={mac.hexdigest()}"


class Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_GET(self):
        self.send_response(404)
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.received.append((self.path, dict(self.headers), body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """Serve a WSGI app or a handler class on a free local port; yields a starter."""
    servers = []

    def _serve(target) -> str:
        if isinstance(target, type):
            server = ThreadingHTTPServer(("127.0.0.1", 0), target)
        else:
            server = make_server("127.0.0.1", 0, target, threaded=True)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_port}"

    yield _serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_simulate_posts_signed_tickets(serve):
    Recorder.received = []
    url = serve(Recorder)
    lines = []
    sent = sim.simulate(
        url,
        "s3cret",
        TEAMS,
        count=4,
        burst=2,
        interval=5,
        seed=1,
        echo=lines.append,
        sleep=lambda _: None,
        first_seq=500,
    )
    assert sent == 4 and len(Recorder.received) == 4
    for (path, headers, body), line in zip(Recorder.received, lines, strict=True):
        assert path == "/api/v1/crm/tickets"
        mac = hmac.new(
            b"s3cret", headers["X-CRM-Timestamp"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        assert headers["X-CRM-Signature"] == f"sha256={mac}"
        assert line.startswith(json.loads(body)["crm_id"]) and line.endswith("→ 201")


def test_the_app_accepts_what_the_simulator_sends(app, serve):
    load_org(json.loads(json.dumps(ORG)))
    url = serve(app)
    lines = []
    sim.simulate(
        url,
        app.config["CRM_SHARED_SECRET"],
        TEAMS,
        count=40,
        burst=40,
        seed=11,
        echo=lines.append,
        sleep=lambda _: None,
        first_seq=1,
    )
    assert len(lines) == 40
    assert all(line.endswith("→ 201") for line in lines), "\n".join(lines)


def test_every_customer_is_on_the_station_and_feeder_of_its_street():
    for ticket in first(60):
        customer = ticket["customer"]
        street = customer["address"].split(",")[0].split(" ", 1)[1]
        assert {k: customer[k] for k in ("station", "feeder")} == sim.grid_of(
            ticket["team"], street
        )
    assert sim.grid_of("PC-DN-HC", "Lê Lợi") == {"station": "HC-T01", "feeder": "471-HC"}


def test_a_storm_is_150_outage_calls_from_one_station_in_20_minutes():
    dark = storm.Storm("PC-DN-HC", after=180)
    times = storm.call_times(dark)
    assert len(times) == 150 and times == sorted(times)
    assert times[0] == 180 and times[-1] < 180 + 20 * 60
    assert times[2] - times[0] < 15 * 60  # the third call makes a cluster at once
    calls = list(storm.storm_calls(dark, seed=5, clock=lambda: NOW))
    assert len({c["crm_id"] for c in calls}) == 150
    for call in calls:
        assert (call["type"], call["team"]) == ("OUTAGE", "PC-DN-HC")
        assert (call["customer"]["station"], call["customer"]["feeder"]) == ("HC-T01", "471-HC")
        assert "Lê Lợi" in call["customer"]["address"]
        assert IntakeSchema().validate(json.loads(json.dumps(call))) == {}


def test_the_storm_comes_in_the_runs_timeline(serve):
    Recorder.received = []
    lines, slept = [], []
    dark = storm.Storm("PC-DN-ST", after=30, calls=4, minutes=1)
    sim.simulate(
        serve(Recorder),
        "s3cret",
        TEAMS,
        count=8,
        burst=2,
        interval=40,
        seed=2,
        echo=lines.append,
        sleep=slept.append,
        first_seq=700,
        extra=storm.timeline(dark, seed=2),
    )
    kinds = [
        "storm" if "-B" in json.loads(body)["crm_id"] else "usual"
        for _path, _headers, body in Recorder.received
    ]
    # usual at 0, 0, 40, 80; the storm's at 30, 37.5, 51.2, 71.6 seconds
    assert kinds == ["usual", "usual", "storm", "storm", "usual", "storm", "storm", "usual"]
    assert sum(slept) == pytest.approx(80)


def test_the_app_alerts_the_leader_as_the_storm_comes_in(app, serve):
    load_org(json.loads(json.dumps(ORG)))
    lines = []
    dark = storm.Storm("PC-DN-HC", after=0, calls=4, minutes=1)
    sim.simulate(
        serve(app),
        app.config["CRM_SHARED_SECRET"],
        TEAMS,
        count=4,
        burst=0,
        interval=10**6,
        seed=3,
        echo=lines.append,
        sleep=lambda _: None,
        extra=storm.timeline(dark, seed=3),
    )
    assert all(line.endswith("→ 201") for line in lines), "\n".join(lines)
    rows = db.session.execute(
        select(Ticket.customer_station, Ticket.flags).order_by(Ticket.received_at, Ticket.id)
    ).all()
    assert [station for station, _ in rows] == ["HC-T01"] * 4
    assert ["cluster" in (flags or ()) for _, flags in rows].count(True) == 1


def test_the_command_runs_the_storm_scenario(app, runner, serve):
    load_org(json.loads(json.dumps(ORG)))
    Recorder.received = []
    result = runner.invoke(
        args=[
            "crm",
            "simulate",
            "--url",
            serve(Recorder),
            "--count",
            "3",
            "--burst",
            "0",
            "--interval",
            "100000",
            "--seed",
            "4",
            "--scenario",
            "storm",
            "--storm-after",
            "0",
            "--storm-calls",
            "3",
            "--storm-minutes",
            "0.001",
        ]
    )
    assert result.exit_code == 0, result.output
    bodies = [json.loads(body) for _path, _headers, body in Recorder.received]
    assert [(b["team"], b["customer"]["station"]) for b in bodies] == [("PC-DN-HC", "HC-T01")] * 3
