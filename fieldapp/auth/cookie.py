"""The session cookie: Flask's signed cookie, with its signer built once per process.

Flask builds a new serializer (keys, salt, signer) on every request to open the session and
again to save it. Its inputs are the secret key and its fallbacks, which do not change while
the process runs, so it is kept, beside the key it was built for. A request that carries no
session cookie (the CRM's signed pushes, a first visit) gets an empty session without one.
Static files never carry the (refreshed) cookie: they are cached, and shared.
"""

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

_KEY = "fieldapp.session_signer"


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer kept and static files cookie-free."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = app.extensions.get(_KEY)
        if kept is None or kept[0] != keys:
            kept = app.extensions[_KEY] = (keys, super().get_signing_serializer(app))
        return kept[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def should_set_cookie(self, app: Flask, session) -> bool:
        return request.endpoint != "static" and super().should_set_cookie(app, session)
