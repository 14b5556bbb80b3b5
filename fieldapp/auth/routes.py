"""The sign-in page, signing out, and the language switch of the menu."""

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.auth import bp
from fieldapp.auth.session import authenticate, end_session, start_session
from fieldapp.auth.throttle import limit_sign_in
from fieldapp.i18n import remember_language
from fieldapp.security import forget_browser


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing elsewhere becomes the default."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target.rstrip("?") or default


@bp.route("/login", methods=["GET", "POST"])
@limit_sign_in
def login():
    """Ask for username and password; a wrong pair is said in the user's language."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    error, username = None, request.form.get("username", "").strip()
    if request.method == "POST":
        user = authenticate(username, request.form.get("password", ""))
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.form.get("next")), 303)
        error = _("Sai tên đăng nhập hoặc mật khẩu.")
    return render_template(
        "auth/login.html",
        error=error,
        username=username,
        next=safe_next(request.values.get("next"), ""),
    ), 401 if error else 200


@bp.post("/logout")
def logout():
    """End the session, on every device, and leave nothing of the user in this browser (the
    chosen language stays): the next user of a shared phone starts afresh."""
    end_session()
    return forget_browser(redirect(url_for("auth.login"), 303))


@bp.post("/language")
def set_language():
    """Remember the language chosen in the menu, then go back where the user was."""
    response = redirect(safe_next(request.form.get("next")), 303)
    lang = request.form.get("lang")
    if lang is not None and lang in current_app.config["LANGUAGES"]:
        remember_language(response, lang)
    return response
