"""Configuration read from the environment (CONTRACT "Running it")."""

import os
from datetime import timedelta


def _flag(name: str, default: bool) -> bool:
    """An on/off setting from the environment ("1", "true", "yes", "on" mean on)."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Settings for a real deployment; unset values fall back to development defaults."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None → SQLite in instance/
    REDIS_URL = os.environ.get("REDIS_URL")  # None → embedded Redis in instance/
    CRM_SHARED_SECRET = os.environ.get("CRM_SHARED_SECRET", "dev-crm-secret")
    CRM_CALLBACK_URL = os.environ.get("CRM_CALLBACK_URL")
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:ops@fieldapp.local")
    FIELDAPP_TIMEZONE = os.environ.get("FIELDAPP_TIMEZONE", "Asia/Ho_Chi_Minh")
    # The product's name in the header, the tab and the installed app, as the corporation
    # calls it; unset: "Phiếu công tác", translated on English pages.
    FIELDAPP_BRAND = os.environ.get("FIELDAPP_BRAND", "")
    # How long the settings page waits for the browser and its push service when turning
    # notifications on, before it says they did not answer.
    PUSH_ANSWER_SECONDS = int(os.environ.get("PUSH_ANSWER_SECONDS", "15"))
    # Where pushes may go (fieldapp.services.push_hosts): the browsers' push services, i.e.
    # Chrome and the other Chromium browsers (FCM), Firefox, Edge (WNS) and Safari.
    PUSH_ALLOWED_HOSTS = os.environ.get(
        "PUSH_ALLOWED_HOSTS",
        "fcm.googleapis.com,updates.push.services.mozilla.com,"
        "*.notify.windows.com,*.push.apple.com",
    )

    # A deployment sets SECRET_KEY and is served over HTTPS; without it this is a development
    # run on http://127.0.0.1, where a Secure cookie would never come back. FIELDAPP_HTTPS=0/1
    # says it outright.
    HTTPS = _flag("FIELDAPP_HTTPS", default="SECRET_KEY" in os.environ)
    SESSION_COOKIE_SECURE = HTTPS
    # __Host-: the browser keeps it only if Secure, for this host, on every path.
    SESSION_COOKIE_NAME = "__Host-session" if HTTPS else "session"
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    HSTS = "max-age=31536000; includeSubDomains" if HTTPS else None

    # A login lasts at most a working shift, and ends after a long pause.
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=float(os.environ.get("SESSION_HOURS", "12")))
    SESSION_IDLE_TIMEOUT = timedelta(hours=float(os.environ.get("SESSION_IDLE_HOURS", "2")))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT
    # Write the session cookie only when the session changed. A response to a request that was
    # already in flight (the service worker refreshing its pages) would otherwise put back the
    # cookie as it was before a change made meanwhile, e.g. signing in or out.
    SESSION_REFRESH_EACH_REQUEST = False
    # Failed sign-ins allowed (fieldapp.auth.throttle; a success is free): per username and
    # address, and per username from anywhere (over either, the username is refused), and per
    # address across usernames (over it, the address's attempts wait their turn, one at a
    # time, for LOGIN_ADDRESS_DELAY_SECONDS each).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute; 20 per hour")
    LOGIN_USERNAME_RATE_LIMIT = os.environ.get(
        "LOGIN_USERNAME_RATE_LIMIT", "10 per 15 minutes; 50 per day"
    )
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get(
        "LOGIN_ADDRESS_RATE_LIMIT", "20 per 10 minutes; 100 per day"
    )
    LOGIN_ADDRESS_DELAY_SECONDS = int(os.environ.get("LOGIN_ADDRESS_DELAY_SECONDS", "5"))
    SIGN_IN_COUNTS_URI: str | None = None  # where failed sign-ins count; None → the app's Redis
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Photos are at most 5 MB each; a sync batch may carry a few.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    CRM_MAX_BODY_BYTES = 64 * 1024
    CRM_CLOCK_TOLERANCE_SECONDS = 300
    # How often the worker re-does from the database what is due (reminders, callbacks).
    SWEEP_INTERVAL_SECONDS = float(os.environ.get("SWEEP_INTERVAL_SECONDS", "30"))
    # How often it asks the database whether a reminder or a callback has just become due.
    DISPATCH_INTERVAL_SECONDS = float(os.environ.get("DISPATCH_INTERVAL_SECONDS", "1"))

    # How far ahead a moved ETA may be, per ticket type, in hours ("OUTAGE=48,RECONNECT=24");
    # unset types: 72 h for types with an hours deadline, 30 days for working-day types.
    ETA_CAP_HOURS = os.environ.get("ETA_CAP_HOURS", "")
    # Words or phrases (comma-separated) showing an upset customer in a complaint's content;
    # empty: the default list (rules.policy.UPSET_WORDS).
    UPSET_WORDS = os.environ.get("UPSET_WORDS", "")
    # Days after an earlier request of the same customer and type closed that a new one is
    # still a repeat.
    REPEAT_WINDOW_DAYS = int(os.environ.get("REPEAT_WINDOW_DAYS", "7"))
    # Evidence (DOMAIN §7): sizes in MB. A phone sends 1600 px JPEGs of a few hundred KB, so
    # normal work stays far below; the caps stop a runaway phone or script from filling the
    # database. A complaint's total is the procedure's; the rest are defaults.
    EVIDENCE_FILE_MB = float(os.environ.get("EVIDENCE_FILE_MB", "5"))
    EVIDENCE_COMPLAINT_MB = float(os.environ.get("EVIDENCE_COMPLAINT_MB", "5"))
    EVIDENCE_TICKET_MB = float(os.environ.get("EVIDENCE_TICKET_MB", "20"))
    EVIDENCE_USER_PENDING_MB = float(os.environ.get("EVIDENCE_USER_PENDING_MB", "30"))
    EVIDENCE_USER_DAILY_MB = float(os.environ.get("EVIDENCE_USER_DAILY_MB", "100"))
    # Uploads no update attached are deleted after this long.
    EVIDENCE_UNATTACHED_HOURS = float(os.environ.get("EVIDENCE_UNATTACHED_HOURS", "24"))
    # Years evidence is kept after its ticket is completed or returned; "other" is every
    # ticket that is not a complaint (empty: kept).
    EVIDENCE_KEEP_YEARS = int(os.environ.get("EVIDENCE_KEEP_YEARS", "3"))
    EVIDENCE_KEEP_SERIOUS_YEARS = int(os.environ.get("EVIDENCE_KEEP_SERIOUS_YEARS", "5"))
    EVIDENCE_KEEP_OTHER_YEARS = (
        int(os.environ["EVIDENCE_KEEP_OTHER_YEARS"])
        if os.environ.get("EVIDENCE_KEEP_OTHER_YEARS")
        else None
    )
    # The sweep runs the clean-up and the retention job at most this often.
    EVIDENCE_SWEEP_HOURS = float(os.environ.get("EVIDENCE_SWEEP_HOURS", "6"))

    # Static files are streamed; let them be gzipped too (every phone browser accepts gzip).
    COMPRESS_ALGORITHM_STREAMING = ["zstd", "br", "gzip", "deflate"]

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    # Statement parameters (customer phones among them) stay out of error messages and logs.
    # No ping before each use (a round trip per request): connections are replaced after
    # DB_POOL_RECYCLE_SECONDS, before a server or firewall timeout closes them, and a request
    # that meets one dropped anyway is run again on a fresh one (fieldapp.reconnect).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_recycle": int(os.environ.get("DB_POOL_RECYCLE_SECONDS", "1800")),
        "hide_parameters": True,
    }


class TestConfig(Config):
    """Throwaway database and Redis; never reaches a real CRM or push service."""

    TESTING = True
    SECRET_KEY = "test-secret"
    CRM_SHARED_SECRET = "test-crm-secret"
    CRM_CALLBACK_URL = None
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite://"
    REDIS_URL = os.environ.get("REDIS_URL")
    SIGN_IN_COUNTS_URI = "memory://"  # each test app counts from zero
    # Plain http, as the development run (the production settings are tested on their own).
    HTTPS = SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "session"
    HSTS = None
