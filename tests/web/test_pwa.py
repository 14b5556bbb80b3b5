"""The installable app: manifest, icons, the service worker script and the offline page."""

import json
import re
import shutil
import struct

from fieldapp.pwa import build


def test_the_manifest_makes_the_app_installable(client):
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200
    assert resp.mimetype == "application/manifest+json"
    body = json.loads(resp.data)
    assert body["name"] == "Phiếu công tác · Đội QLĐKV" and body["lang"] == "vi"
    assert body["start_url"] == "/" and body["scope"] == "/" and body["display"] == "standalone"
    assert body["theme_color"] == "#0b4f8a"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png.data[16:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_an_icon_of_another_size_does_not_exist(client):
    assert client.get("/icons/icon-64.png").status_code == 404


def test_every_page_links_the_manifest(client, login, org):
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'id="sync-status"' in html and 'data-user="crew"' in html


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.mimetype == "application/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in resp.headers["Cache-Control"]
    source = resp.get_data(as_text=True)
    assert "importScripts('/static/js/sw-push.js')" in source
    assert "importScripts('/static/js/outbox.js')" in source


def _build_of(client) -> dict:
    first = client.get("/sw.js").get_data(as_text=True).split("\n", 1)[0]
    return json.loads(re.fullmatch(r"self\.FIELDAPP_BUILD = (.*);", first).group(1))


def test_the_worker_caches_the_versioned_shell(client):
    info = _build_of(client)
    assert re.fullmatch(r"[0-9a-f]{12}", info["version"])
    assert info["offline"] == "/offline"
    for name in build.SHELL_ASSETS:
        assert any(
            re.fullmatch(rf"/static/{re.escape(name)}\?v=[0-9a-f]{{12}}", url)
            for url in info["shell"]
        ), name
    for url in info["shell"]:
        assert client.get(url).status_code == 200, url


def test_a_deploy_that_changes_a_static_file_changes_the_version(app, client, tmp_path):
    app.static_folder = str(shutil.copytree(app.static_folder, tmp_path / "static"))
    before = _build_of(client)["version"]
    assert _build_of(client)["version"] == before  # stable while nothing changes
    outbox = tmp_path / "static" / "js" / "outbox.js"
    outbox.write_text(outbox.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    assert _build_of(client)["version"] != before


def test_the_offline_page_is_vietnamese_and_in_the_app_style(client):
    resp = client.get("/offline")
    assert resp.status_code == 200 and "no-cache" in resp.headers["Cache-Control"]
    html = resp.get_data(as_text=True)
    assert "Chưa có bản lưu của trang này" in html
    assert "/static/css/app.css?v=" in html and 'href="/"' in html
