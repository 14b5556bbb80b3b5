"""The counter finds customers by name, and by phone written in any spelling

Revision ID: d4a1c7e9b3f2
Revises: c3d9e5f1a7b2
Create Date: 2026-11-30 22:00:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a1c7e9b3f2'
down_revision = 'c3d9e5f1a7b2'
branch_labels = None
depends_on = None


# Copies of rules.customers.fold and normalise_phone as they were when this ran: a migration
# must not change meaning when the app's code does later.
def _fold(text):
    decomposed = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", bare))


def _phone(text):
    digits = re.sub(r"\D", "", text or "")
    if not digits:
        return None
    international = (text or "").lstrip().startswith("+") or len(digits) in (11, 12)
    if digits.startswith("84") and international and not digits.startswith("840"):
        digits = "0" + digits[2:]
    return digits


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_name_key', sa.String(length=200),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('customer_name_key', server_default=None)
    conn = op.get_bind()
    tickets = sa.table('tickets', sa.column('id', sa.Integer),
                       sa.column('customer_name', sa.String),
                       sa.column('customer_name_key', sa.String),
                       sa.column('customer_phone', sa.String))
    rows = conn.execute(sa.select(tickets.c.id, tickets.c.customer_name,
                                  tickets.c.customer_phone)).all()
    for row in rows:
        conn.execute(tickets.update().where(tickets.c.id == row.id).values(
            customer_name_key=_fold(row.customer_name), customer_phone=_phone(row.customer_phone)))


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('customer_name_key')
