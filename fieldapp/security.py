"""Response headers every page and API answer carries, and customer phones kept out of logs.

A small after_request hook rather than a library: the policy is a few fixed headers plus one
nonce per response, and the cookie flags stay in config.py, where the development run over
http://127.0.0.1 can turn Secure off (flask-talisman would set them itself and redirect to
HTTPS unless told not to at every turn).
"""

import logging
import re
import secrets

from flask import Flask, current_app, g
from werkzeug.wrappers import Response

# No inline script or style anywhere: an injected one (or a style attribute) cannot run. The
# nonce is there for a page that one day needs an inline block: `nonce="{{ csp_nonce() }}"`.
_CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_FIXED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # ticket addresses never leave the app
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
}

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
    response.headers["Content-Security-Policy"] = _CSP.format(nonce=csp_nonce())
    for name, value in _FIXED.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("HSTS")
    if hsts:
        response.headers["Strict-Transport-Security"] = hsts
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

    masked_record.masks_phones = True
    logging.setLogRecordFactory(masked_record)
