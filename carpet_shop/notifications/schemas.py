from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from carpet_shop.core.envelope import Envelope, PageMeta
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, Metres, PositiveMoney
from carpet_shop.notifications.models import AlertType, Language, NotificationType


class NotificationRead(ReadModel):
    id: uuid.UUID
    type: NotificationType
    title: str
    message: str
    is_read: bool
    branch_id: uuid.UUID | None
    related_entity_type: str | None
    related_entity_id: uuid.UUID | None
    data: dict[str, Any]
    created_at: datetime


class NotificationPageMeta(PageMeta):
    unread: int = Field(description="How many of all the caller's notifications are unread")


class NotificationListEnvelope(Envelope[list[NotificationRead]]):
    meta: NotificationPageMeta


class UnreadCount(BaseModel):
    unread: int


class ReadAllResult(BaseModel):
    marked: int


class SettingsRead(BaseModel):
    language: Language
    in_app_types: list[NotificationType]
    telegram_types: list[NotificationType]
    telegram_linked: bool


class SettingsUpdate(RequestModel):
    language: Language | None = None
    in_app_types: list[NotificationType] | None = Field(default=None, max_length=20)
    telegram_types: list[NotificationType] | None = Field(default=None, max_length=20)


class ShopSettingsRead(BaseModel):
    large_sale_threshold: DecimalNumber | None = Field(
        description="A receipt at or above this amount notifies the directors; null: never"
    )
    debt_due_soon_days: int
    customer_reminders: bool


class ShopSettingsUpdate(RequestModel):
    large_sale_threshold: PositiveMoney | None = None
    debt_due_soon_days: int | None = Field(default=None, ge=0, le=60)
    customer_reminders: bool | None = None


class AlertCreate(RequestModel):
    product_id: uuid.UUID
    alert_type: AlertType
    threshold: Metres = Decimal("0")
    is_active: bool = True


class AlertUpdate(RequestModel):
    threshold: Metres | None = None
    is_active: bool | None = None


class AlertRead(ReadModel):
    id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    branch_id: uuid.UUID
    size: str | None
    alert_type: AlertType
    threshold: DecimalNumber
    is_active: bool
    last_triggered: datetime | None
    created_at: datetime
    updated_at: datetime


class TelegramLinkCodeRead(BaseModel):
    code: str
    expires_at: datetime
    bot_username: str | None
    start_link: str | None = Field(description="t.me link that opens the bot with the code")


class CustomerRemindersUpdate(RequestModel):
    reminders: bool


class CustomerRemindersRead(BaseModel):
    customer_id: uuid.UUID
    reminders: bool
    telegram_linked: bool = Field(description="Whether the customer shared their contact")
