"""idempotency record: what the first request with an Idempotency-Key asked for (docs/api-contract.md)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 01:40:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'idempotency_record',
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('request_sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('service_id', name=op.f('pk_idempotency_record')),
    )


def downgrade() -> None:
    op.drop_table('idempotency_record')
