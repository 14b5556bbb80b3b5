"""What travels on the wire: compressed text, static files cached by their digest."""

import gzip
import json
import re

from tests.api.helpers import intake_body
from tests.api.test_procedure import chase


def test_pages_css_and_js_are_gzipped(client, login, ticket):
    ticket()
    login("crew")
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) == 8  # app.css, htmx, app.js, outbox.js, clocks.js, offline.js, push.js,
    # signout.js
    for url in assets:
        resp = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
        assert "immutable" in resp.headers["Cache-Control"]
        assert "max-age=31536000" in resp.headers["Cache-Control"]
        assert "Set-Cookie" not in resp.headers  # so any cache may keep it


def test_unversioned_static_files_are_not_cached_for_long(client):
    resp = client.get("/static/css/app.css")
    assert "immutable" not in resp.headers.get("Cache-Control", "")


def test_the_digest_follows_the_content(app, tmp_path):
    from fieldapp.assets import asset_url

    with app.test_request_context():
        first = asset_url("css/app.css")
        assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", first)
        assert asset_url("css/app.css") == first
        assert asset_url("missing.js").endswith("?v=0")


def test_no_inline_scripts_or_styles(client, login, ticket):
    t = ticket()
    login("lead")
    for url in ("/", f"/tickets/{t.id}", "/board", "/desk", "/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html), url


def test_the_crms_answers_are_plain_and_a_phones_compressed(app, org, client, login, push_ticket):
    """The CRM is a server on a data-centre link: compressing its 1.5 KB answers cost more
    CPU at both ends than the bytes were worth. A phone's answers stay compressed."""
    client.environ_base["HTTP_ACCEPT_ENCODING"] = "gzip"  # every request below asks for it
    pushed = push_ticket(intake_body())
    assert pushed.status_code == 201 and "Content-Encoding" not in pushed.headers
    assert len(pushed.data) > 500  # large enough to be compressed otherwise
    ticket = pushed.get_json()
    chased = chase(client, app, ticket["crm_id"], {"at": ticket["received_at"]})
    assert chased.status_code == 200 and "Content-Encoding" not in chased.headers
    login("crew")
    read = client.get(f"/api/v1/tickets/{ticket['id']}")
    assert read.status_code == 200 and read.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(read.data))["crm_id"] == ticket["crm_id"]
