"""Languages and Vietnam's way of writing times: the locale of a request and the Jinja filters."""

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from flask_babel import get_babel, get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

# The language is a cookie of its own, not part of the session: only the language switch
# writes it, so no other response in flight can undo a switch, and it outlives signing out.
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Choose the locale per request and give templates the time filters."""
    try:
        compile_translations(Path(app.root_path) / "translations")
    except OSError as err:  # a read-only install: `make install` compiled them beforehand
        app.logger.warning("translations not compiled: %s", err)
    get_babel(app).locale_selector = select_locale
    app.jinja_env.globals.update(current_locale=current_locale, brand=brand)
    app.jinja_env.filters.update(
        vn_datetime=format_datetime,
        vn_date=format_date,
        vn_time=format_time,
        input_datetime=input_datetime,
        duration=format_duration,
    )


def select_locale() -> str:
    """The language the user chose in the menu, else Vietnamese."""
    choice = request.cookies.get(LANGUAGE_COOKIE)
    if choice is not None and choice in current_app.config["LANGUAGES"]:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response: Response, language: str) -> None:
    """Have the browser keep the language chosen in the menu for a year."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def current_locale() -> str:
    """The request's language code ("vi" or "en")."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def brand() -> str:
    """The product's name: the corporation's own (FIELDAPP_BRAND) as written, else ours."""
    return current_app.config.get("FIELDAPP_BRAND") or _("Phiếu công tác")


def local_zone() -> ZoneInfo:
    """The time zone users read times in (Asia/Ho_Chi_Minh)."""
    return ZoneInfo(current_app.config["FIELDAPP_TIMEZONE"])


def to_local(at: datetime) -> datetime:
    """An aware time in the users' zone."""
    return at.astimezone(local_zone())


def format_datetime(at: datetime | None) -> str:
    """14:05 03/02/2027, as Vietnamese forms write it."""
    return to_local(at).strftime("%H:%M %d/%m/%Y") if at else ""


def format_date(day: date | datetime | None) -> str:
    """03/02/2027."""
    if isinstance(day, datetime):
        day = to_local(day).date()
    return day.strftime("%d/%m/%Y") if day else ""


def format_time(at: datetime | None) -> str:
    """14:05."""
    return to_local(at).strftime("%H:%M") if at else ""


def input_datetime(at: datetime | None) -> str:
    """The value of an <input type="datetime-local"> in local time."""
    return to_local(at).strftime("%Y-%m-%dT%H:%M") if at else ""


def parse_input_datetime(value: str | None) -> str | None:
    """A datetime-local value (local time) as an ISO string with the zone's offset."""
    if not value or not value.strip():
        return None
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        return value  # left as typed: the op schema names the field as invalid
    if naive.tzinfo is None:
        naive = naive.replace(tzinfo=local_zone())
    return naive.isoformat()


def format_duration(span: timedelta) -> str:
    """A span as days, hours and minutes, to the minute: "1 giờ 20 phút"."""
    minutes = max(int(abs(span.total_seconds()) // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s ngày %(h)s giờ", d=days, h=hours)
    if hours:
        return _("%(h)s giờ %(m)s phút", h=hours, m=mins)
    return _("%(m)s phút", m=mins)


def compile_translations(directory: Path) -> None:
    """Compile each .po to its .mo when missing or older: .mo files are not kept in git."""
    for po_path in directory.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        tmp = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)  # atomic, so a parallel process never reads half a file
