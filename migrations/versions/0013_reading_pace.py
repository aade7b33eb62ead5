"""reading pace: the page a trainee opened last, moves on that came too soon, seconds read

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reading_positions',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('section_id', sa.String(length=64), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_reading_positions_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reading_positions')),
    )
    op.create_table(
        'rushed_sections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('section_id', sa.String(length=64), nullable=False),
        sa.Column('seconds_open', sa.Integer(), nullable=False),
        sa.Column('seconds_needed', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_rushed_sections_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rushed_sections')),
    )
    with op.batch_alter_table('rushed_sections', schema=None) as batch_op:
        batch_op.create_index('ix_rushed_sections_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('section_views', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seconds_read', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('section_views', schema=None) as batch_op:
        batch_op.drop_column('seconds_read')
    with op.batch_alter_table('rushed_sections', schema=None) as batch_op:
        batch_op.drop_index('ix_rushed_sections_user_id')
    op.drop_table('rushed_sections')
    op.drop_table('reading_positions')
