"""What the service worker must know of this deploy: a version and the app shell to cache.

The version is a digest of the static files and of the templates the worker caches, so every
deploy that changes them gives the worker new bytes: browsers install it, and its activate step
drops the caches of the old version.
"""

import hashlib
from pathlib import Path

from flask import current_app, url_for

from fieldapp.assets import asset_url, static_path

# Scripts and styles every page loads, kept by the worker under their versioned URLs.
SHELL_ASSETS = (
    "css/app.css",
    "vendor/htmx.min.js",
    "js/app.js",
    "js/outbox.js",
    "js/clocks.js",
    "js/offline.js",
    "js/push.js",
    "js/signout.js",
)
# Templates whose output the worker keeps (the offline page and the layout it extends).
SHELL_TEMPLATES = ("offline.html", "base.html", "_menu.html")


def build_info() -> dict:
    """{version, shell, offline}: the JSON the worker script starts with."""
    shell = [asset_url(name) for name in SHELL_ASSETS]
    shell += [url_for("pwa.offline"), url_for("pwa.manifest")]
    shell += [url_for("pwa.icon", size=size) for size in (192, 512)]
    return {"version": version(), "shell": shell, "offline": url_for("pwa.offline")}


def version() -> str:
    """A short digest of the files that make the shell; remembered until one of them changes."""
    files = _shell_files()
    stamp = tuple((str(path), _mtime(path)) for path in files)
    cache = current_app.extensions.setdefault("fieldapp.pwa", {})
    if cache.get("stamp") != stamp:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes() if path.is_file() else b"")
        cache.update(stamp=stamp, version=digest.hexdigest()[:12])
    return cache["version"]


def _shell_files() -> list[Path]:
    root = Path(current_app.root_path)
    static = sorted(p for p in static_path().rglob("*") if p.is_file())
    templates = [root / "templates" / name for name in SHELL_TEMPLATES]
    return static + templates + [Path(__file__).with_name("icons.py")]


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
