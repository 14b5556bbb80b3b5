"""An audit of what administrators change on accounts

Revision ID: e7c2a9d4f1b6
Revises: d4a1c7e9b3f2
Create Date: 2026-11-30 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.models.types


# revision identifiers, used by Alembic.
revision = 'e7c2a9d4f1b6'
down_revision = 'd4a1c7e9b3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'admin_audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', fieldapp.models.types.UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('admin_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_audit_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('admin_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_audit_user_id'))
        batch_op.drop_index(batch_op.f('ix_admin_audit_at'))
    op.drop_table('admin_audit')
