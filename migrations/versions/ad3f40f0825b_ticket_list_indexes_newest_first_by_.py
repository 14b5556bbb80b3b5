"""Ticket list indexes: newest first, by team and overall

Revision ID: ad3f40f0825b
Revises: 2e008574b632
Create Date: 2026-11-23 17:31:17.965199

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.models.types


# revision identifiers, used by Alembic.
revision = 'ad3f40f0825b'
down_revision = '2e008574b632'
branch_labels = None
depends_on = None


def upgrade():
    # The ticket list is newest first: these let it read one page instead of sorting all
    # of a team's (or, for an administrator, every) ticket.
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_team_received', ['team_id', 'received_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_tickets_received', ['received_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_received')
        batch_op.drop_index('ix_tickets_team_received')
