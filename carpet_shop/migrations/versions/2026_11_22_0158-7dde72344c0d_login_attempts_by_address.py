"""Index login attempts by client address, for the per-address rate limit.

Revision ID: 7dde72344c0d
Revises: ba0c2067ae02
Create Date: 2026-11-22 01:58:38.859980
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7dde72344c0d"
down_revision: str | None = "ba0c2067ae02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_attempts_ip_timestamp", ["ip_address", "timestamp"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_ip_timestamp")
