"""What travels on the wire: compressed text, static files cached by their digest."""

import gzip
import re


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
