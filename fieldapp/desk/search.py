"""Finding a customer's tickets at the counter: by customer code, ticket code, phone or name."""

from sqlalchemy import or_

from fieldapp.extensions import db
from fieldapp.models import Ticket, User
from fieldapp.rules.customers import fold, normalise_phone
from fieldapp.services.access import visible_tickets

LIMIT = 50
MIN_PHONE_DIGITS = 6


def find_tickets(user: User, text: str) -> list[Ticket]:
    """The user's visible tickets of the customer the text names, newest first."""
    text = (text or "").strip()
    if len(text) < 3:
        return []
    keys = [
        Ticket.customer_code == text.upper(),
        Ticket.crm_id == text.upper(),
        Ticket.crm_id == text,
    ]
    phone = normalise_phone(text)
    if phone and len(phone) >= MIN_PHONE_DIGITS:
        keys.append(Ticket.customer_phone == phone)
    name = fold(text)
    if len(name) >= 3 and not name.replace(" ", "").isdigit():
        keys.append(Ticket.customer_name_key.contains(name, autoescape=True))
    query = visible_tickets(user).where(or_(*keys))
    query = query.order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(LIMIT)
    return list(db.session.execute(query).scalars())
