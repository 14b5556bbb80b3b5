"""Failed sign-ins are limited per username and address (Flask-Limiter), on the sign-in page
and on the API's POST /session alike; a successful sign-in does not count.

The counts live in the app's Redis, so every web process shares them.
"""

import math
import time

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_limiter.errors import RateLimitExceeded
from werkzeug.wrappers import Response

from fieldapp.extensions import limiter
from fieldapp.redis_conn import socket_path


def init_app(app: Flask) -> None:
    """Point the limiter at the app's Redis unless told otherwise, and let a refused sign-in
    answer with its own page or JSON (the API's generic error handler would hide it)."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, lambda err: err.get_response())


def storage_uri(app: Flask) -> str:
    """The app's Redis in the limits library's spelling; the embedded server by its socket
    (started by the first process that needs it: `make run` starts it before the web app)."""
    url = app.config.get("REDIS_URL") or f"unix://{socket_path(app.instance_path)}"
    return "redis+" + url if url.startswith("unix://") else url


def login_key() -> str:
    """Who is trying: the username typed (form or JSON) and the address it comes from."""
    if request.is_json:
        body = request.get_json(silent=True)
        username = body.get("username") if isinstance(body, dict) else None
    else:
        username = request.form.get("username")
    name = username.strip().lower() if isinstance(username, str) else ""
    return f"{name}|{request.remote_addr or ''}"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response: Response) -> bool:
    return response.status_code == 401


def refused_message(limit: RequestLimit) -> str:
    """What the user reads: too many failures, and how long to wait."""
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    return _("Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)d phút.",
             minutes=minutes)


def _refused(limit: RequestLimit) -> Response:
    """429 with the sign-in page (or the API's JSON error) saying when to try again."""
    wait = str(max(1, math.ceil(limit.reset_at - time.time())))
    if request.path.startswith("/api/"):
        from fieldapp.api.errors import error_response

        response = error_response({"session": [refused_message(limit)]}, 429)
    else:
        from fieldapp.auth.routes import safe_next

        page = render_template("auth/login.html", error=refused_message(limit),
                               username=request.form.get("username", "").strip(),
                               next=safe_next(request.form.get("next"), ""))
        response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = wait
    return response


def limit_sign_in(view):
    """The decorator for a sign-in view (POST only; the page itself is always shown). The
    page and the API count together."""
    return limiter.shared_limit(_login_limit, scope="sign-in", key_func=login_key,
                                methods=["POST"], deduct_when=_failed, on_breach=_refused)(view)
