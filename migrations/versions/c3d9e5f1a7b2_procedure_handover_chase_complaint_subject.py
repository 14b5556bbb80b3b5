"""Procedure, second reading: handover at closing, the call center's chase, complaint subject

Revision ID: c3d9e5f1a7b2
Revises: c3e8f1a2b4d5
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.models.types


# revision identifiers, used by Alembic.
revision = 'c3d9e5f1a7b2'
down_revision = 'c3e8f1a2b4d5'
branch_labels = None
depends_on = None


def upgrade():
    # desk_since / handover_pending: a reconnection handed to the duty desk at closing waits
    # for its acknowledgement; chased_at: the call center's last chase (15-minute report);
    # complaint_subject: chosen at completion, counted by the monthly report.
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_since', fieldapp.models.types.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('handover_pending', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('chased_at', fieldapp.models.types.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('complaint_subject', sa.String(length=16), nullable=True))
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('handover_pending', server_default=None)


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('complaint_subject')
        batch_op.drop_column('chased_at')
        batch_op.drop_column('handover_pending')
        batch_op.drop_column('desk_since')
