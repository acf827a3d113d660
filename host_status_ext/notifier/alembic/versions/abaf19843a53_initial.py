"""The schema host-status-notifier created at start before migrations.

Frozen here as create_all() made it from the tables of
host_status_ext/notifier/shared_state.py, so that a database created by
that release is recognised by dbsync (migration.PRE_MIGRATION_TABLES) and
recorded as this revision without a change.

Revision ID: abaf19843a53
Revises:
Create Date: 2026-12-06 12:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = 'abaf19843a53'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'host_status_notifier_cells',
        sa.Column('cell_uuid', sa.String(36), primary_key=True),
        sa.Column('epoch', sa.Integer, nullable=False),
        sa.Column('owner', sa.String(255)),
        sa.Column('baselined', sa.Boolean, nullable=False),
        sa.Column('writes', sa.Integer, nullable=False),
        sa.Column('taken_at', sa.DateTime),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
    op.create_table(
        'host_status_notifier_hosts',
        sa.Column('cell_uuid', sa.String(36), primary_key=True),
        sa.Column('host', sa.String(255), primary_key=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('pending_old', sa.String(16)),
        sa.Column('pending_new', sa.String(16)),
        sa.Column('pending_changed_at', sa.String(32)),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')
