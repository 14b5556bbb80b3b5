"""Sessions: who is signed in, how long for, and how a session ends everywhere at once.

The session is Flask's signed cookie, so ending one on the server means making its contents
worthless: the user id in it carries the user's session_version, and signing out or disabling
the user bumps that version. The shift's start and the last request are kept in it too and
checked on every request, so an idle or too-old session ends whatever the browser keeps.
"""

import secrets
import time
from functools import cache

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import update
from werkzeug.security import check_password_hash

from fieldapp.extensions import db
from fieldapp.models import User
from fieldapp.rules.text import N_

STARTED = "_started"  # when the user signed in (seconds since the epoch)
SEEN = "_seen"  # when the session last made a request (to the minute, see below)
# Re-marking "seen" rewrites the cookie, and a cookie written by a concurrent request (the
# service worker refreshing pages) replaces one that just changed. So the mark moves at most
# once a minute: idle expiry may come up to a minute early, never late.
SEEN_RESOLUTION_SECONDS = 60


def load_user(session_id: str) -> User | None:
    """The user of a session, unless disabled or signed out everywhere since."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def unauthorized():
    """JSON 401 for the API, the sign-in page for everything else."""
    if request.path.startswith("/api/"):
        return jsonify(errors={"session": [N_("Bạn cần đăng nhập.")]}), 401
    if "auth.login" in current_app.view_functions:
        return redirect(url_for("auth.login", next=request.full_path))
    return jsonify(errors={"session": [N_("Bạn cần đăng nhập.")]}), 401


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None. An unknown or disabled username costs
    the same hash work as a real one, so the time taken tells nothing of which names exist."""
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        check_password_hash(_stand_in_hash(), password)
        return None
    return user if user.check_password(password) and user.active else None


@cache
def _stand_in_hash() -> str:
    """The hash of a random password, made once as User.set_password makes real ones."""
    stand_in = User()
    stand_in.set_password(secrets.token_urlsafe(16))
    return stand_in.password_hash


def start_session(user: User) -> None:
    """Sign the user in for a working shift, in a session of its own (nothing carried over
    from before signing in)."""
    session.clear()
    session.permanent = True
    login_user(user)
    session[STARTED] = session[SEEN] = int(time.time())


def end_session() -> None:
    """Sign the current user out here and on every device: the cookie they hold, or a copy
    of it, no longer names a valid session."""
    if current_user.is_authenticated:
        end_all_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Make every session of the user worthless (the caller commits)."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.expire(user, ["session_version"])


def disable_user(user: User) -> None:
    """The user can no longer sign in, and is signed out wherever signed in (caller commits)."""
    user.active = False
    end_all_sessions(user)


def enforce_expiry() -> None:
    """Before each request: end a session idle too long or older than a shift; else note
    that it was used now. A session without these times is from before them: ended too."""
    if "_user_id" not in session:
        return
    now, config = time.time(), current_app.config
    started, seen = session.get(STARTED), session.get(SEEN)
    if (
        not isinstance(started, int | float)
        or not isinstance(seen, int | float)
        or now - started > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
        or now - seen > config["SESSION_IDLE_TIMEOUT"].total_seconds()
    ):
        logout_user()
        session.clear()
        return
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = int(now)
