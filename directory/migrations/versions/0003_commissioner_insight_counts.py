"""commissioner insight counts: anonymous daily tallies (docs/insights.md)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 06:02:44.960579
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('insight_count',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('area', sa.Enum('leicester-leicestershire-rutland', 'derby-derbyshire', 'warwickshire', 'outside', 'unknown', name='insight_area', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('category', sa.Enum('domestic_abuse', 'sexual_violence', 'stalking', 'fgm', 'honour_based_abuse', 'forced_marriage', 'not_recorded', name='insight_category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('outcome', sa.Enum('signposted_locally', 'national_only', 'no_local_service', 'danger_guidance_shown', 'quick_exit_used', 'left_before_answer', name='insight_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'area', 'category', 'outcome', name=op.f('pk_insight_count'))
    )


def downgrade() -> None:
    op.drop_table('insight_count')
