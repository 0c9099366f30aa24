"""Foundation: branches, users, sessions, login attempts, audit log.

Revision ID: 634d13ca630b
Revises:
Create Date: 2026-11-22 01:16:47.911634
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "634d13ca630b"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "branches",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        # branches.deleted_by_id -> users is added once users exists (the two refer to each other).
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branches")),
    )
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branches_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            "uq_branches_code_live",
            ["code"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "uq_branches_name_live",
            ["name"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "login_attempts",
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("timestamp", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_attempts_username_timestamp", ["username", "timestamp"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("username", sa.String(length=50), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "seller", name="user_role", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("branch_id", sa.Uuid(), nullable=True),
        sa.Column("can_add_products", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_login_count", sa.Integer(), nullable=False),
        sa.Column(
            "last_failed_login_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("locked_until", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "password_changed_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "(role = 'admin' AND branch_id IS NULL) OR (role = 'seller' AND branch_id IS NOT NULL)",
            name=op.f("ck_users_role_branch"),
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_users_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["users.id"],
            name=op.f("fk_users_deleted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(
            "uq_users_username_live",
            ["username"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_branches_deleted_by_id_users"),
            "users",
            ["deleted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "audit_logs",
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "CREATE",
                "UPDATE",
                "DELETE",
                "LOGIN",
                "LOGOUT",
                name="audit_action",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.Column("timestamp", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_logs_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_logs")),
    )
    with op.batch_alter_table("audit_logs", schema=None) as batch_op:
        batch_op.create_index(
            "idx_audit_logs_user_timestamp", ["user_id", "timestamp"], unique=False
        )
        batch_op.create_index("ix_audit_logs_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index("ix_audit_logs_timestamp", ["timestamp"], unique=False)

    op.create_table(
        "auth_sessions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_used_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("expires_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_user_id"))

    op.drop_table("auth_sessions")
    with op.batch_alter_table("audit_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_logs_timestamp")
        batch_op.drop_index("ix_audit_logs_entity")
        batch_op.drop_index("idx_audit_logs_user_timestamp")

    op.drop_table("audit_logs")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_branches_deleted_by_id_users"), type_="foreignkey")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_users_username_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_users_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_users_branch_id"))

    op.drop_table("users")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_username_timestamp")

    op.drop_table("login_attempts")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_branches_name_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_branches_code_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_branches_deleted_at"))

    op.drop_table("branches")
