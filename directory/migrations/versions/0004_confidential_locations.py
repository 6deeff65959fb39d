"""confidential locations: withheld whereabouts, a public front door, review (docs/confidential-locations.md)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 16:30:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('service') as batch_op:
        batch_op.add_column(sa.Column('confidential', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('front_door', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('confidentiality_review', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('confidentiality_note', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_service_confidentiality_review'), ['confidentiality_review'], unique=False)
    with op.batch_alter_table('location') as batch_op:
        batch_op.add_column(sa.Column('confidential', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('public_confirmed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('location') as batch_op:
        batch_op.drop_column('public_confirmed')
        batch_op.drop_column('confidential')
    with op.batch_alter_table('service') as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_confidentiality_review'))
        batch_op.drop_column('confidentiality_note')
        batch_op.drop_column('confidentiality_review')
        batch_op.drop_column('front_door')
        batch_op.drop_column('confidential')
