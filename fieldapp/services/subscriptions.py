"""Push subscriptions: one per browser, kept by the user who registered it.

An endpoint is the address of one browser's inbox, and knowing it is no proof of owning it:
another user posting it is refused, or they could have that browser's notifications for
themselves, or send theirs to it. On a shared phone, signing out unsubscribes the browser, so
the next user's browser subscribes with a new endpoint."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.models import PushSubscription, User, utcnow
from fieldapp.services.transactions import begin_write


class EndpointTaken(Exception):
    """The endpoint is another user's subscription."""


def subscribe(user: User, endpoint: str, p256dh: str, auth: str) -> tuple[PushSubscription, bool]:
    """Store the browser's subscription for the user; (row, created). The user's own endpoint
    posted again has its keys refreshed; another user's raises EndpointTaken."""
    user_id = user.id  # read before a half-made row is in the session (no early autoflush)
    for _ in range(2):  # a twin request may insert the same endpoint between our read and write
        begin_write()
        row = _by_endpoint(endpoint)
        created = row is None
        if row is None:
            row = PushSubscription(endpoint=endpoint, user_id=user_id, created_at=utcnow())
            db.session.add(row)
        elif row.user_id != user_id:
            db.session.rollback()
            raise EndpointTaken(endpoint)
        row.p256dh, row.auth = p256dh, auth
        try:
            db.session.commit()
            return row, created
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not store the push subscription")


def unsubscribe(user: User, endpoint: str) -> bool:
    """Remove the user's subscription with this endpoint; False when there is none."""
    begin_write()
    row = _by_endpoint(endpoint)
    if row is None or row.user_id != user.id:
        db.session.rollback()
        return False
    db.session.delete(row)
    db.session.commit()
    return True


def own_subscription(user: User, endpoint: str) -> PushSubscription | None:
    """The user's subscription with this endpoint."""
    row = _by_endpoint(endpoint)
    return row if row is not None and row.user_id == user.id else None


def _by_endpoint(endpoint: str) -> PushSubscription | None:
    return db.session.execute(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).scalar_one_or_none()
