"""Static files: URLs that change with the content, so browsers may keep them for a year."""

import hashlib
from pathlib import Path

from flask import Flask, current_app, request, url_for

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Give templates asset_url() and let versioned static files be cached for good."""
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(_cache_versioned)


def asset_url(filename: str) -> str:
    """The static URL of a file with a digest of its content (?v=...)."""
    return url_for("static", filename=filename, v=_digest(filename))


def static_path() -> Path:
    """The app's static folder (create_app always has one)."""
    assert current_app.static_folder is not None
    return Path(current_app.static_folder)


def _digest(filename: str) -> str:
    """A short digest of a static file, remembered per file and modification time."""
    path = static_path() / filename
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return "0"
    cache = current_app.extensions.setdefault("fieldapp.assets", {})
    key = (filename, stamp)
    if key not in cache:
        cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return cache[key]


def _cache_versioned(response):
    """A static file asked for by its digest never changes: cache it for a year."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response
