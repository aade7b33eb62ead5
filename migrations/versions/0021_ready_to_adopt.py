"""ready to adopt: proven emails, invitations, invite links that end, and certificates
imported from before PeerPath

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
    # Accounts made before emails were proven keep signing in: they count as proven on creation.
    op.execute('UPDATE users SET email_verified_at = created_at')
    with op.batch_alter_table('certification_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prior_certifier', sa.String(length=200), nullable=True))
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invite_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('invite_expires_at')
    with op.batch_alter_table('certification_events', schema=None) as batch_op:
        batch_op.drop_column('prior_certifier')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('invited_at')
        batch_op.drop_column('email_verified_at')
