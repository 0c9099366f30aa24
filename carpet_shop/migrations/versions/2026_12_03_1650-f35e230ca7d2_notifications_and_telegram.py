"""Notifications: per-recipient rows keyed by their event, settings, stock alert rules, the
Telegram outbox and links, customers' reminder chats, and job leases.

Revision ID: f35e230ca7d2
Revises: 8c3f1a6e2b57
Create Date: 2026-12-03 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "f35e230ca7d2"
down_revision: str | None = "8c3f1a6e2b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )
    op.create_table(
        "notification_events",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "LOW_STOCK",
                "OUT_OF_STOCK",
                "OVERDUE_DEBT",
                "DEBT_DUE_SOON",
                "SALE_COMPLETED",
                "PRODUCT_TRANSFERRED",
                "RETURN_REQUESTED",
                "RETURN_DECIDED",
                "STOCK_ADJUSTED",
                name="notification_type",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_notification_events")),
    )
    op.create_table(
        "shop_notification_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("large_sale_threshold", carpet_shop.core.types.Hundredths(), nullable=True),
        sa.Column("debt_due_soon_days", sa.Integer(), nullable=False),
        sa.Column("customer_reminders", sa.Boolean(), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_notification_settings")),
    )
    op.create_table(
        "telegram_bot_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_offset", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_bot_state")),
    )
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "language",
            sa.Enum("uz", "ru", name="notification_language", native_enum=False, length=4),
            nullable=False,
        ),
        sa.Column("in_app_types", sa.JSON(), nullable=False),
        sa.Column("telegram_types", sa.JSON(), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    op.create_table(
        "notifications",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "LOW_STOCK",
                "OUT_OF_STOCK",
                "OVERDUE_DEBT",
                "DEBT_DUE_SOON",
                "SALE_COMPLETED",
                "PRODUCT_TRANSFERRED",
                "RETURN_REQUESTED",
                "RETURN_DECIDED",
                "STOCK_ADJUSTED",
                name="notification_type",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        sa.Column("read_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("branch_id", sa.Uuid(), nullable=True),
        sa.Column("related_entity_type", sa.String(length=40), nullable=True),
        sa.Column("related_entity_id", sa.Uuid(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_notifications_branch_id_branches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_notifications_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("recipient_id", "event_key", name="uq_notifications_recipient_event"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_recipient_created", ["recipient_id", "created_at"], unique=False
        )

    op.create_table(
        "telegram_link_codes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_telegram_link_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_telegram_link_codes")),
    )
    with op.batch_alter_table("telegram_link_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_telegram_link_codes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "telegram_links",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("linked_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_telegram_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_telegram_links")),
    )
    with op.batch_alter_table("telegram_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_telegram_links_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "customer_telegram",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("linked_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_telegram_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_telegram")),
    )
    with op.batch_alter_table("customer_telegram", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_telegram_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "inventory_alerts",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column(
            "alert_type",
            sa.Enum(
                "LOW_STOCK",
                "OUT_OF_STOCK",
                name="inventory_alert_type",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("threshold", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "last_triggered", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_inventory_alerts_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_inventory_alerts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_inventory_alerts_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_alerts")),
        sa.UniqueConstraint("product_id", "size", "alert_type", name="uq_inventory_alerts_rule"),
    )
    with op.batch_alter_table("inventory_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_alerts_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_alerts_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "telegram_outbox",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.String(length=4096), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                name="outbox_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_telegram_outbox_notification_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_outbox")),
        sa.UniqueConstraint("chat_id", "dedupe_key", name="uq_telegram_outbox_chat_key"),
    )
    with op.batch_alter_table("telegram_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_telegram_outbox_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("telegram_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_telegram_outbox_due")

    op.drop_table("telegram_outbox")
    with op.batch_alter_table("inventory_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_alerts_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_alerts_branch_id"))

    op.drop_table("inventory_alerts")
    with op.batch_alter_table("customer_telegram", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_telegram_chat_id"))

    op.drop_table("customer_telegram")
    with op.batch_alter_table("telegram_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telegram_links_chat_id"))

    op.drop_table("telegram_links")
    with op.batch_alter_table("telegram_link_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telegram_link_codes_user_id"))

    op.drop_table("telegram_link_codes")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_recipient_created")

    op.drop_table("notifications")
    op.drop_table("notification_settings")
    op.drop_table("telegram_bot_state")
    op.drop_table("shop_notification_settings")
    op.drop_table("notification_events")
    op.drop_table("job_leases")
