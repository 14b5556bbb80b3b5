"""The installable app's files that live at the site root: the service worker, the web
manifest, the icons and the page shown for a page the phone never kept."""

import json

from flask import abort, jsonify, make_response, render_template
from flask_babel import gettext as _

from fieldapp.assets import static_path
from fieldapp.i18n import brand
from fieldapp.pwa import bp
from fieldapp.pwa.build import build_info
from fieldapp.pwa.icons import SIZES, icon_png

THEME = "#0b4f8a"


@bp.get("/sw.js")
def service_worker():
    """The service worker script, preceded by this deploy's build info (its version, its
    shell); browsers check it for updates on every visit, so it is never cached."""
    source = (static_path() / "sw.js").read_text(encoding="utf-8")
    build = json.dumps(build_info(), separators=(",", ":"))
    response = make_response(f"self.FIELDAPP_BUILD = {build};\n{source}")
    response.mimetype = "application/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what the phone shows once the app is installed."""
    body = {
        "name": _("Phiếu công tác · Đội QLĐKV"),
        "short_name": brand(),
        "description": _("Tiếp nhận và xử lý phiếu yêu cầu của khách hàng, cả khi mất sóng."),
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": [icon for size in SIZES for icon in _icons(size)],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.cache_control.no_cache = True
    return response


def _icons(size: int) -> list[dict]:
    src = f"/icons/icon-{size}.png"
    return [
        {"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for purpose in ("any", "maskable")
    ]


@bp.get("/icons/icon-<int:size>.png")
def icon(size: int):
    """The app icon, drawn on first request."""
    if size not in SIZES:
        abort(404)
    response = make_response(icon_png(size))
    response.mimetype = "image/png"
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker, with no signal, for a page it never kept."""
    response = make_response(render_template("offline.html"))
    response.cache_control.no_cache = True
    return response
