"""Notifications, who gets which, stock alert rules, and the Telegram outbox.

A notification is stored once per recipient. What caused it is an event with a key of its
own (`NotificationEvent`): the key is the table's primary key, so an event fans out once,
however many workers or retries reach it.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin


class NotificationType(enum.StrEnum):
    LOW_STOCK = "LOW_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    OVERDUE_DEBT = "OVERDUE_DEBT"
    DEBT_DUE_SOON = "DEBT_DUE_SOON"
    SALE_COMPLETED = "SALE_COMPLETED"
    PRODUCT_TRANSFERRED = "PRODUCT_TRANSFERRED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    RETURN_DECIDED = "RETURN_DECIDED"
    STOCK_ADJUSTED = "STOCK_ADJUSTED"
    OVERDUE_PAYABLE = "OVERDUE_PAYABLE"
    RECEIPT_NEEDS_COST = "RECEIPT_NEEDS_COST"


class AlertType(enum.StrEnum):
    LOW_STOCK = "LOW_STOCK"
    OUT_OF_STOCK = "OUT_OF_STOCK"


class Language(enum.StrEnum):
    UZ = "uz"
    RU = "ru"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _enum(cls: type[enum.StrEnum], name: str, length: int = 24) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


class NotificationEvent(Base):
    """One cause of notifications (a stock crossing, a large sale, a deadline): its key is
    written in the cause's transaction, and a second writer of the same key fans out nothing."""

    __tablename__ = "notification_events"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[NotificationType] = mapped_column(_enum(NotificationType, "notification_type"))
    created_at: Mapped[datetime]


class Notification(IdMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("recipient_id", "event_key", name="uq_notifications_recipient_event"),
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
    )

    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(200))
    type: Mapped[NotificationType] = mapped_column(_enum(NotificationType, "notification_type"))
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(1000))
    is_read: Mapped[bool] = mapped_column(default=False)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    branch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("branches.id", ondelete="SET NULL")
    )
    related_entity_type: Mapped[str | None] = mapped_column(String(40))
    related_entity_id: Mapped[uuid.UUID | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class NotificationSettings(Base):
    """What one user receives, in the app and on Telegram, and in which language. A user
    without a row receives every type in the app and on Telegram, in Uzbek."""

    __tablename__ = "notification_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[Language] = mapped_column(_enum(Language, "notification_language", 4))
    in_app_types: Mapped[list[str]] = mapped_column(JSON)
    telegram_types: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class ShopNotificationSettings(Base):
    """The director's shop-wide choices; one row (id 1), made with the defaults on first use."""

    __tablename__ = "shop_notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A receipt at or above this amount notifies the directors; None: never.
    large_sale_threshold: Mapped[Decimal | None]
    debt_due_soon_days: Mapped[int]
    customer_reminders: Mapped[bool]
    updated_at: Mapped[datetime]


class InventoryAlert(IdMixin, Base):
    """A product's own rule for one alert type: its threshold, or the alert turned off.
    Products without a rule use their `low_stock_threshold` or the shop's defaults."""

    __tablename__ = "inventory_alerts"
    __table_args__ = (
        UniqueConstraint("product_id", "size", "alert_type", name="uq_inventory_alerts_rule"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    # The rule's size, once sizes are stock; "" is the whole product.
    size: Mapped[str] = mapped_column(String(20), default="")
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)
    alert_type: Mapped[AlertType] = mapped_column(_enum(AlertType, "inventory_alert_type", 16))
    threshold: Mapped[Decimal]
    is_active: Mapped[bool] = mapped_column(default=True)
    last_triggered: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TelegramLinkCode(Base):
    """A one-time code a user sends to the shop's bot as `/start CODE` to link their chat."""

    __tablename__ = "telegram_link_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class TelegramLink(Base):
    """A user's linked Telegram chat."""

    __tablename__ = "telegram_links"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    linked_at: Mapped[datetime]


class CustomerTelegram(Base):
    """A customer who shared their contact with the shop's bot, and whether the director
    lets them get debt reminders. A row with no chat only holds the director's choice."""

    __tablename__ = "customer_telegram"

    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    reminders: Mapped[bool] = mapped_column(default=True)
    linked_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime]


class TelegramOutbox(IdMixin, Base):
    """A message to send. (chat, key) is unique: one notification or reminder reaches a chat
    at most once, however often its cause is replayed."""

    __tablename__ = "telegram_outbox"
    __table_args__ = (
        UniqueConstraint("chat_id", "dedupe_key", name="uq_telegram_outbox_chat_key"),
        Index("ix_telegram_outbox_due", "status", "next_attempt_at"),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    notification_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(String(4096))
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus, "outbox_status", 16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class TelegramBotState(Base):
    """Where the bot's update reading stopped (one row, id 1), so a restart reads on."""

    __tablename__ = "telegram_bot_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_offset: Mapped[int] = mapped_column(BigInteger)
