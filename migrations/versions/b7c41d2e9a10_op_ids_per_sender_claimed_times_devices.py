"""Op ids per sender, claimed and bounded times on events, devices, last person's action

Revision ID: b7c41d2e9a10
Revises: ad3f40f0825b
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.models.types


# revision identifiers, used by Alembic.
revision = 'b7c41d2e9a10'
down_revision = 'ad3f40f0825b'
branch_labels = None
depends_on = None


def upgrade():
    # An op id is its sender's own: the key becomes (user, op id). Ops without a user were
    # never written (the CRM and the system do not go through applied_ops).
    op.execute("DELETE FROM applied_ops WHERE user_id IS NULL")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint('applied_ops_pkey', 'applied_ops', type_='primary')
        op.alter_column('applied_ops', 'user_id', existing_type=sa.Integer(), nullable=False)
        op.create_primary_key('applied_ops_pkey', 'applied_ops', ['user_id', 'op_id'])
        op.add_column('applied_ops', sa.Column('action', sa.String(length=32), nullable=True))
    else:  # SQLite cannot change a primary key: the table is made anew
        op.create_table(
            'applied_ops_new',
            sa.Column('user_id', sa.Integer(), nullable=False),
            sa.Column('op_id', sa.String(length=64), nullable=False),
            sa.Column('ticket_id', sa.Integer(), nullable=True),
            sa.Column('action', sa.String(length=32), nullable=True),
            sa.Column('applied_at', fieldapp.models.types.UTCDateTime(timezone=True),
                      nullable=False),
            sa.Column('result', sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id']),
            sa.ForeignKeyConstraint(['user_id'], ['users.id']),
            sa.PrimaryKeyConstraint('user_id', 'op_id'),
        )
        op.execute("INSERT INTO applied_ops_new (user_id, op_id, ticket_id, applied_at, result) "
                   "SELECT user_id, op_id, ticket_id, applied_at, result FROM applied_ops")
        op.drop_index('ix_applied_ops_ticket_id', table_name='applied_ops')
        op.drop_table('applied_ops')
        op.rename_table('applied_ops_new', 'applied_ops')
        op.create_index('ix_applied_ops_ticket_id', 'applied_ops', ['ticket_id'])

    op.create_table(
        'op_claims',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('op_id', sa.String(length=64), nullable=False),
        sa.Column('at', fieldapp.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('first_seen_at', fieldapp.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('user_id', 'op_id'),
    )
    op.create_table(
        'devices',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('device_id', sa.String(length=64), nullable=False),
        sa.Column('last_sync_at', fieldapp.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('first_seen_at', fieldapp.models.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('user_id', 'device_id'),
    )
    with op.batch_alter_table('events') as batch_op:
        batch_op.add_column(sa.Column('claimed_at', fieldapp.models.types.UTCDateTime(
            timezone=True), nullable=True))
        batch_op.add_column(sa.Column('skew_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bounded_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('moved_seconds', sa.Integer(), nullable=True))
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.add_column(sa.Column('last_action_at', fieldapp.models.types.UTCDateTime(
            timezone=True), nullable=True))
    # The latest action of a person on each ticket so far.
    op.execute("UPDATE tickets SET last_action_at = (SELECT max(at) FROM events "
               "WHERE events.ticket_id = tickets.id AND events.user_id IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.drop_column('last_action_at')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('moved_seconds')
        batch_op.drop_column('bounded_by')
        batch_op.drop_column('skew_seconds')
        batch_op.drop_column('claimed_at')
    op.drop_table('devices')
    op.drop_table('op_claims')
    with op.batch_alter_table('applied_ops', recreate='always') as batch_op:
        batch_op.drop_column('action')
