"""insight reach: who the assistant reached, and the own-behaviour route (docs/insights.md)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 16:45:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('insight_reach',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('area', sa.Enum('leicester-leicestershire-rutland', 'derby-derbyshire', 'warwickshire', 'outside', 'unknown', name='insight_area', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('dimension', sa.Enum('age_band', 'identity', 'language', 'about', 'route', name='insight_dimension', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('value', sa.Enum('under_18', 'adult', '60_or_over', 'men', 'lgbt', 'men_and_lgbt', 'neither', 'self', 'someone_else', 'en', 'pl', 'ur', 'pa', 'gu', 'so', 'ar', 'own_behaviour', 'not_said', name='insight_reach_value', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'area', 'dimension', 'value', name=op.f('pk_insight_reach'))
    )


def downgrade() -> None:
    op.drop_table('insight_reach')
