"""scored practice: coordinators' scores for typed role-play replies and the queue of replies
awaiting review; observed practice and acknowledgements kept on requirement records

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reply_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('step_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('rubric_id', sa.String(length=64), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('scored_by', sa.Integer(), nullable=True),
        sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['step_id'], ['scenario_steps.id'], name=op.f('fk_reply_scores_step_id_scenario_steps'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reply_scores_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_scores')),
        sa.UniqueConstraint('step_id', name=op.f('uq_reply_scores_step_id')),
    )
    with op.batch_alter_table('reply_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_scores_user_id'), ['user_id'], unique=False)
    op.create_table(
        'replies_awaiting_review',
        sa.Column('step_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('scenario_id', sa.String(length=64), nullable=False),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['step_id'], ['scenario_steps.id'], name=op.f('fk_replies_awaiting_review_step_id_scenario_steps'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_replies_awaiting_review_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('step_id', name=op.f('pk_replies_awaiting_review')),
    )
    with op.batch_alter_table('replies_awaiting_review', schema=None) as batch_op:
        batch_op.create_index('ix_replies_awaiting_review_chosen_at_step_id', ['chosen_at', 'step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replies_awaiting_review_user_id'), ['user_id'], unique=False)
    # Replies typed before this release join the queue with `flask --app app certification refresh
    # --all`, which the upgrade notes ask for: which role-plays count is in program.yaml.
    # Plain ADD COLUMN on every database: the table keeps its append-only triggers.
    op.add_column('requirement_records', sa.Column('observer', sa.String(length=200), nullable=True))
    op.add_column('requirement_records', sa.Column('scores', sa.JSON(), nullable=True))
    op.add_column('requirement_records', sa.Column('version', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('requirement_records', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('scores')
        batch_op.drop_column('observer')
    with op.batch_alter_table('replies_awaiting_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replies_awaiting_review_user_id'))
        batch_op.drop_index('ix_replies_awaiting_review_chosen_at_step_id')
    op.drop_table('replies_awaiting_review')
    with op.batch_alter_table('reply_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_scores_user_id'))
    op.drop_table('reply_scores')
