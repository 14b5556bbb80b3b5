"""Cache versions: one number per kind of data that processes keep a copy of

Revision ID: d4a1c7e9b3f0
Revises: e7c2a9d4f1b6
Create Date: 2026-11-30 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a1c7e9b3f0'
down_revision = 'e7c2a9d4f1b6'
branch_labels = None
depends_on = None


def upgrade():
    # Teams and the calendar overrides are kept per process (services.reference); a change
    # bumps the version in its own transaction and the copies rebuild on reading it.
    op.create_table('cache_versions',
                    sa.Column('name', sa.String(length=32), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('name'))


def downgrade():
    op.drop_table('cache_versions')
