"""answers indexed by response and question, for the theme pages' group figures

The theme pages count every coded comment by its respondent's group, one join from
comment_theme to her answer to one question. An index on (response_id, question_key,
option_code) answers that lookup from the index alone (on SQLite, about half the time of
the lookup by response_id, which read each answer row to find the question). It serves
lookups by response too, so it takes the place of ix_answer_response_id.

Revision ID: e4f1a2b3c5d6
Revises: 54b1e92d8126
Create Date: 2026-11-27 09:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4f1a2b3c5d6'
down_revision = '54b1e92d8126'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_response_question_option',
                              ['response_id', 'question_key', 'option_code'], unique=False)
        batch_op.drop_index('ix_answer_response_id')


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_response_id', ['response_id'], unique=False)
        batch_op.drop_index('ix_answer_response_question_option')
