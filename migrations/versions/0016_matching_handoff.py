"""the hand-off to matching: external ids, account changes, tombstones, scoped expiring tokens,
webhook endpoints, deliveries and published states

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # Added columns only (no table rebuild): SQLite keeps users' search triggers.
    op.add_column('users', sa.Column('external_id', sa.String(length=100), nullable=True))
    op.add_column('users', sa.Column('account_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_users_external_id', 'users', ['external_id'], unique=True)
    op.create_index('ix_users_account_changed_at', 'users', ['account_changed_at'], unique=False)
    # Deactivations before this migration count as account changes, so ``since`` reports them.
    op.execute("UPDATE users SET account_changed_at = deactivated_at WHERE deactivated_at IS NOT NULL")

    op.add_column('api_tokens', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('api_tokens', sa.Column('limited_to_cohorts', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('api_token_cohorts',
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_api_token_cohorts_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_token_cohorts_token_id_api_tokens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_id', 'cohort_id', name=op.f('pk_api_token_cohorts'))
    )

    op.create_table('removed_mentors',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_removed_mentors'))
    )
    op.create_index('ix_removed_mentors_removed_at', 'removed_mentors', ['removed_at'], unique=False)

    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('description', sa.String(length=120), nullable=False),
    sa.Column('secret', sa.String(length=80), nullable=False),
    sa.Column('events', sa.String(length=200), nullable=False),
    sa.Column('limited_to_cohorts', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    op.create_table('webhook_endpoint_cohorts',
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_webhook_endpoint_cohorts_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_endpoint_cohorts_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('endpoint_id', 'cohort_id', name=op.f('pk_webhook_endpoint_cohorts'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('gave_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_response', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries', ['next_attempt_at'], unique=False)
    op.create_index('ix_webhook_deliveries_endpoint_id', 'webhook_deliveries', ['endpoint_id'], unique=False)

    op.create_table('published_mentor_states',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('matchable', sa.Boolean(), nullable=False),
    sa.Column('fingerprint', sa.String(length=400), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_published_mentor_states'))
    )


def downgrade():
    op.drop_table('published_mentor_states')
    op.drop_index('ix_webhook_deliveries_endpoint_id', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_endpoint_cohorts')
    op.drop_table('webhook_endpoints')
    op.drop_index('ix_removed_mentors_removed_at', table_name='removed_mentors')
    op.drop_table('removed_mentors')
    op.drop_table('api_token_cohorts')
    with op.batch_alter_table('api_tokens') as batch_op:
        batch_op.drop_column('limited_to_cohorts')
        batch_op.drop_column('expires_at')
    op.drop_index('ix_users_account_changed_at', table_name='users')
    op.drop_index('ix_users_external_id', table_name='users')
    # Dropping a column on SQLite 3.35+ needs no rebuild, so users' search triggers stay.
    op.drop_column('users', 'account_changed_at')
    op.drop_column('users', 'external_id')
