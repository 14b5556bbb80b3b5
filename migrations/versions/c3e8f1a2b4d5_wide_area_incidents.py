"""Wide-area incidents: incidents, their events, links from tickets, their reminders and callbacks,
and the customer's station and feeder

Revision ID: c3e8f1a2b4d5
Revises: 6ac1d516f15e
Create Date: 2026-11-30 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fieldapp.models.types


# revision identifiers, used by Alembic.
revision = 'c3e8f1a2b4d5'
down_revision = '6ac1d516f15e'
branch_labels = None
depends_on = None

UTC = fieldapp.models.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('area', sa.String(length=400), nullable=False),
        sa.Column('station', sa.String(length=64), nullable=True),
        sa.Column('feeder', sa.String(length=64), nullable=True),
        sa.Column('started_at', UTC, nullable=False),
        sa.Column('noticed_at', UTC, nullable=False),
        sa.Column('reported_at', UTC, nullable=False),
        sa.Column('eta', UTC, nullable=False),
        sa.Column('cause', sa.Text(), nullable=True),
        sa.Column('cause_code', sa.String(length=32), nullable=False),
        sa.Column('restored_at', UTC, nullable=True),
        sa.Column('eta_changes', sa.Integer(), nullable=False),
        sa.Column('late_eta_changes', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('last_action_at', UTC, nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_incidents_team_status', 'incidents', ['team_id', 'status'])
    op.create_table(
        'incident_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('at', UTC, nullable=False),
        sa.Column('recorded_at', UTC, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('op_id', sa.String(length=64), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('claimed_at', UTC, nullable=True),
        sa.Column('skew_seconds', sa.Integer(), nullable=True),
        sa.Column('bounded_by', sa.String(length=16), nullable=True),
        sa.Column('moved_seconds', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_incident_events_incident_id', 'incident_events', ['incident_id'])
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('customer_station', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('customer_feeder', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_tickets_incident_id', ['incident_id'])
        batch_op.create_index('ix_tickets_team_station',
                              ['team_id', 'customer_station', 'received_at'])
        batch_op.create_foreign_key('fk_tickets_incident_id', 'incidents', ['incident_id'],
                                    ['id'])
    with op.batch_alter_table('applied_ops') as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_applied_ops_incident_id', 'incidents', ['incident_id'],
                                    ['id'])
    with op.batch_alter_table('reminders') as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('incident_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_reminders_incident_id', ['incident_id'])
        batch_op.create_foreign_key('fk_reminders_incident_id', 'incidents', ['incident_id'],
                                    ['id'])
    with op.batch_alter_table('crm_callbacks') as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('incident_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stream', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key('fk_crm_callbacks_incident_id', 'incidents',
                                    ['incident_id'], ['id'])
    # Every callback so far is a ticket's: its stream is its ticket.
    op.execute("UPDATE crm_callbacks SET stream = 'ticket:' || ticket_id")
    with op.batch_alter_table('crm_callbacks') as batch_op:
        batch_op.alter_column('stream', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index('ix_crm_callbacks_stream', ['stream'])


def downgrade():
    with op.batch_alter_table('crm_callbacks') as batch_op:
        batch_op.drop_index('ix_crm_callbacks_stream')
        batch_op.drop_constraint('fk_crm_callbacks_incident_id', type_='foreignkey')
        batch_op.drop_column('stream')
        batch_op.drop_column('incident_id')
    with op.batch_alter_table('reminders') as batch_op:
        batch_op.drop_constraint('fk_reminders_incident_id', type_='foreignkey')
        batch_op.drop_index('ix_reminders_incident_id')
        batch_op.drop_column('incident_id')
    with op.batch_alter_table('applied_ops') as batch_op:
        batch_op.drop_constraint('fk_applied_ops_incident_id', type_='foreignkey')
        batch_op.drop_column('incident_id')
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.drop_constraint('fk_tickets_incident_id', type_='foreignkey')
        batch_op.drop_index('ix_tickets_team_station')
        batch_op.drop_index('ix_tickets_incident_id')
        batch_op.drop_column('customer_feeder')
        batch_op.drop_column('customer_station')
        batch_op.drop_column('incident_id')
    op.drop_index('ix_incident_events_incident_id', table_name='incident_events')
    op.drop_table('incident_events')
    op.drop_index('ix_incidents_team_status', table_name='incidents')
    op.drop_table('incidents')
