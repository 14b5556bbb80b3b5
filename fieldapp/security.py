"""Response headers every page and API answer carries, and customer phones kept out of logs.

A small after_request hook rather than a library: the policy is a few fixed headers plus one
nonce per response, and the cookie flags stay in config.py, where the development run over
http://127.0.0.1 can turn Secure off (flask-talisman would set them itself and redirect to
HTTPS unless told not to at every turn).
"""

import logging
import re
import secrets

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

# No inline script or style anywhere: an injected one (or a style attribute) cannot run. A
# page that one day needs an inline block writes `nonce="{{ csp_nonce() }}"` on it, and its
# policy then allows that nonce; an answer that asked for none allows no inline code at all.
_CSP = (
    "default-src 'self'; script-src 'self'{nonce}; "
    "style-src 'self'{nonce}; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_CSP_WITHOUT_NONCE = _CSP.format(nonce="")
_FIXED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # ticket addresses never leave the app
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
}
# What one user was shown must not be kept for the next user of a shared phone, nor by a proxy.
# The service worker's Cache API copies are not governed by this, so offline pages still work.
PERSONAL = "private, no-store"
# Names the user a page was made for: the service worker keeps pages and photos of that user
# only, and drops them as soon as the server answers for someone else or for no one.
USER_HEADER = "X-Fieldapp-User"
# Sent with the sign-out. Chromium (checked in 156 on http://127.0.0.1, a potentially
# trustworthy origin, on a form's 303 and on a fetch() answer alike): "cache" empties the HTTP
# cache only; "storage" empties the Cache API, IndexedDB (the outbox too) and localStorage and
# unregisters the service worker (and so its push subscription). "cookies" is left out: it
# would forget the chosen language, and the session cookie is ended anyway; Chromium does
# nothing with "executionContexts".
SIGNED_OUT = '"cache", "storage"'

# A Vietnamese phone number: 0 or +84 then 9 digits, perhaps split by spaces, dots or dashes
# (the "+" URL-encoded in an access log's query string); 9 digits for a mobile, 10 for a landline.
PHONE = re.compile(r"(?<![\w])(?:(?:\+|%2[bB])?84|0)(?:[ .-]?\d){9,10}(?!\d)")
MASK = "<phone>"


def init_app(app: Flask) -> None:
    """Add the headers to every response and mask phones in every log record of the process."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_headers)
    mask_phones_in_logs()


def csp_nonce() -> str:
    """This response's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _add_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce")
    response.headers["Content-Security-Policy"] = (
        _CSP.format(nonce=f" 'nonce-{nonce}'") if nonce else _CSP_WITHOUT_NONCE
    )
    for name, value in _FIXED.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("HSTS")
    if hsts:
        response.headers["Strict-Transport-Security"] = hsts
    _mark_personal(response)
    return response


def _mark_personal(response: Response) -> None:
    """An answer made for a signed-in user, and any API answer, is kept by no cache but the
    service worker's, which learns whose it is. Versioned static files and the public icons
    keep their long caching; an answer that already says no-store keeps its words."""
    if request.endpoint == "static" or response.cache_control.public:
        return
    # Sessions are the only way in (no remember cookie, no token): without one in the
    # session, no user is signed in, and the users table need not be asked.
    signed_in = "_user_id" in session and current_user.is_authenticated
    user = current_user.username if signed_in else None
    if (user or request.path.startswith("/api/")) and not response.cache_control.no_store:
        response.headers["Cache-Control"] = PERSONAL
    if user:
        response.headers[USER_HEADER] = user


def forget_browser(response: Response) -> Response:
    """Ask the browser to drop everything it keeps for the app (said at sign-out)."""
    response.headers["Clear-Site-Data"] = SIGNED_OUT
    return response


def mask_phones(text: str) -> str:
    """The text with every phone-like number replaced by a mark."""
    return PHONE.sub(MASK, text)


def mask_phones_in_logs() -> None:
    """Every record made in this process has its message (and traceback) masked as it is made,
    whichever logger or handler writes it: werkzeug's and gunicorn's access logs carry query
    strings, and a search by phone number is a query string."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_phones", False):
        return

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return record
        record.msg, record.args = mask_phones(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_phones(logging.Formatter().formatException(record.exc_info))
        return record

    vars(masked_record)["masks_phones"] = True  # installed once per process (above)
    logging.setLogRecordFactory(masked_record)
