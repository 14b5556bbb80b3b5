"""Finding a customer's tickets at the counter, by customer code, phone or ticket id."""

import re

from sqlalchemy import or_

from fieldapp.extensions import db
from fieldapp.models import Ticket, User
from fieldapp.services.access import visible_tickets

LIMIT = 50


def find_tickets(user: User, text: str) -> list[Ticket]:
    """The user's visible tickets of the customer the text names, newest first."""
    text = (text or "").strip()
    if len(text) < 3:
        return []
    digits = re.sub(r"\D", "", text)
    keys = [Ticket.customer_code == text.upper(), Ticket.crm_id == text]
    if len(digits) >= 6:
        keys += [Ticket.customer_phone == digits, Ticket.customer_phone == text]
    query = visible_tickets(user).where(or_(*keys))
    query = query.order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(LIMIT)
    return list(db.session.execute(query).scalars())
