"""Page weight: the gzip bytes a crew's phone downloads on its first load of "Việc của tôi".

The app runs on a local port with the demo organisation and a shift's worth of tickets from the
simulated CRM; a crew signs in, then the list page and every stylesheet and script it links are
fetched with `Accept-Encoding: gzip` and their compressed bodies summed (headers not counted).
Target: at most 60 KB for HTML + CSS + JS.
"""

import gzip
import json
import re
import tempfile
import threading
from pathlib import Path
from urllib.parse import urljoin

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from bench import Figure

TARGET_KB = 60
TICKETS = 40  # a busy shift for one team: about half land on the crew's desk
TEAM = "PC-DN-HC"
CREW, PASSWORD = "an.nv", "demo1234"
ORG_FILE = Path(__file__).resolve().parent.parent / "fieldapp" / "demo" / "org.json"


def main() -> list[Figure]:
    """Serve a seeded app, load the crew's list once, and weigh what came over the wire."""
    with tempfile.TemporaryDirectory() as tmp:
        app = _seeded_app(tmp)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            weights, rows = _first_load(f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            thread.join(timeout=10)
    total = sum(weights.values()) / 1024
    figures = [
        Figure(
            "crew list first load, gzip (HTML+CSS+JS)",
            total,
            "KB",
            f"<= {TARGET_KB} KB",
            total <= TARGET_KB,
        )
    ]
    figures += [Figure(f"  of which {kind}", size / 1024, "KB") for kind, size in weights.items()]
    figures.append(Figure("  tickets in the list", rows, "rows"))
    return figures


class _Quiet(WSGIRequestHandler):
    """No request log lines between the figures."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def _seeded_app(tmp: str):
    """The app on a throwaway SQLite file, with the demo org and a shift of CRM tickets."""
    from fieldapp import create_app
    from fieldapp.api.schemas import IntakeSchema
    from fieldapp.demo.crm_simulator import ticket_stream
    from fieldapp.extensions import db
    from fieldapp.services.intake import receive
    from fieldapp.services.org import load_org

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench-only"}
    )
    with app.app_context():
        db.create_all()
        load_org(json.loads(ORG_FILE.read_text(encoding="utf-8")))
        stream = ticket_stream(seed=7, teams=[TEAM])
        for _ in range(TICKETS):
            receive(IntakeSchema().load(next(stream)))
        db.session.remove()
    return app


def _first_load(base: str) -> tuple[dict[str, int], int]:
    """Sign in as the crew, then the compressed bytes of the list page, its CSS and its JS."""
    session = requests.Session()
    login = session.get(f"{base}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    session.post(
        f"{base}/login",
        data={"username": CREW, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    html, html_bytes = _fetch(session, f"{base}/")
    weights = {"HTML": html_bytes, "CSS": 0, "JS": 0}
    for kind, pattern in (
        ("CSS", r'<link rel="stylesheet" href="([^"]+)"'),
        ("JS", r'<script src="([^"]+)"'),
    ):
        for url in re.findall(pattern, html):
            weights[kind] += _fetch(session, urljoin(base, url.replace("&amp;", "&")))[1]
    return weights, html.count('<li id="row-')


def _fetch(session: requests.Session, url: str) -> tuple[str, int]:
    """(decoded text, bytes on the wire) of a GET that accepts gzip only."""
    response = session.get(url, headers={"Accept-Encoding": "gzip"}, stream=True)
    response.raise_for_status()
    raw = response.raw.read(decode_content=False)
    text = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
    return text.decode("utf-8"), len(raw)
