"""you said, we did: actions reviewers take on themes and flags

A new table only; nothing existing changes. Only an action marked public, and only its
short public wording (with its translations), is ever shown outside the staff side.

Revision ID: 54b1e92d8126
Revises: b952a257663a
Create Date: 2026-11-27 00:29:19.895555

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '54b1e92d8126'
down_revision = 'b952a257663a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('about_kind', sa.String(length=16), nullable=False),
    sa.Column('about', sa.String(length=200), nullable=False),
    sa.Column('heard', sa.Text(), nullable=False),
    sa.Column('change', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('public_wording', sa.Text(), nullable=False),
    sa.Column('public_translations', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_review_action_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_review_action_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_action'))
    )
    with op.batch_alter_table('review_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_action_survey_id'), ['survey_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_action_survey_id'))

    op.drop_table('review_action')
