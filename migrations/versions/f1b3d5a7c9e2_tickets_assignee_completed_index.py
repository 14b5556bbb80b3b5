"""A user's completed tickets, latest first ("Đã xong gần đây" of the ticket list)

Revision ID: f1b3d5a7c9e2
Revises: d4a1c7e9b3f0
Create Date: 2026-11-30 23:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f1b3d5a7c9e2'
down_revision = 'd4a1c7e9b3f0'
branch_labels = None
depends_on = None


def upgrade():
    # Without it the tab reads every completed ticket of the team and sorts them.
    op.create_index('ix_tickets_assignee_completed', 'tickets',
                    ['assignee_id', 'status', 'completed_at'])


def downgrade():
    op.drop_index('ix_tickets_assignee_completed', table_name='tickets')
