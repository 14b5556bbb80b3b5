"""Evidence quotas and retention: an upload's ticket, its purge time, a user's uploads index

Revision ID: 6ac1d516f15e
Revises: b7c41d2e9a10
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.models.types


# revision identifiers, used by Alembic.
revision = '6ac1d516f15e'
down_revision = 'b7c41d2e9a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('for_ticket_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'purged_at', fieldapp.models.types.UTCDateTime(timezone=True), nullable=True))
        # PostgreSQL's own name for it, as create_all() would give it.
        batch_op.create_foreign_key('attachments_for_ticket_id_fkey', 'tickets',
                                    ['for_ticket_id'], ['id'])
        batch_op.create_index('ix_attachments_user_created', ['user_id', 'created_at'],
                              unique=False)
    # Files already attached were made for the ticket they are on.
    op.execute('UPDATE attachments SET for_ticket_id = ticket_id WHERE ticket_id IS NOT NULL')


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_user_created')
        batch_op.drop_constraint('attachments_for_ticket_id_fkey', type_='foreignkey')
        batch_op.drop_column('purged_at')
        batch_op.drop_column('for_ticket_id')
