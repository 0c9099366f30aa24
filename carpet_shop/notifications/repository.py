"""The queries of notifications: a recipient's own list, who receives an event, the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, func, insert, or_, select, update

from carpet_shop.catalog.models import Product
from carpet_shop.core.ids import new_id
from carpet_shop.core.prepared import Prepared
from carpet_shop.core.repository import Repository, insert_on_conflict
from carpet_shop.notifications.models import (
    InventoryAlert,
    Language,
    Notification,
    NotificationEvent,
    NotificationSettings,
    NotificationType,
    OutboxStatus,
    ShopNotificationSettings,
    TelegramLink,
    TelegramOutbox,
)
from carpet_shop.users.models import Role, User

ALL_TYPES = [t.value for t in NotificationType]
SHOP_ROW = 1

# Read by every sale (is it a large one? did it cross a product's stock level?), so prepared
# like the sale's own statements (core.prepared).
_SHOP_SETTINGS = Prepared(
    select(
        ShopNotificationSettings.large_sale_threshold,
        ShopNotificationSettings.debt_due_soon_days,
        ShopNotificationSettings.customer_reminders,
    ).where(ShopNotificationSettings.id == SHOP_ROW)
)
_LEVEL_RULES = Prepared(
    select(
        Product.id,
        Product.type,
        Product.low_stock_threshold,
        InventoryAlert.id,
        InventoryAlert.alert_type,
        InventoryAlert.threshold,
        InventoryAlert.is_active,
    )
    .outerjoin(
        InventoryAlert,
        (InventoryAlert.product_id == Product.id) & (InventoryAlert.size == ""),
    )
    .where(Product.id.in_(bindparam("product_ids", expanding=True)))
)


def outbox_row(chat_id: int, key: str, text: str, now: datetime) -> dict[str, Any]:
    """A Telegram message to queue (`NotificationRepository.insert_outbox`); the Bot API takes
    4,096 characters at most."""
    return {
        "id": new_id(),
        "chat_id": chat_id,
        "dedupe_key": key,
        "notification_id": None,
        "text": text[:4096],
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": None,
        "created_at": now,
        "sent_at": None,
    }


@dataclass(frozen=True)
class Recipient:
    user_id: uuid.UUID
    language: Language
    in_app: bool
    telegram_chat_id: int | None


class NotificationRepository(Repository[Notification]):
    model = Notification

    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # Events and fan-out

    def claim_event(self, key: str, kind: NotificationType, now: datetime) -> bool:
        """Write the event's key; False if it was already written (by this or another
        transaction, which a concurrent writer waits for on PostgreSQL)."""
        stmt = (
            insert_on_conflict(self.dialect(), NotificationEvent)
            .values(key=key, type=kind, created_at=now)
            .on_conflict_do_nothing(index_elements=[NotificationEvent.key])
        )
        result: Any = self.session.execute(stmt)
        return bool(result.rowcount)

    def recipients(
        self,
        kind: NotificationType,
        *,
        directors: bool,
        branch_id: uuid.UUID | None,
        user_ids: Sequence[uuid.UUID] = (),
        exclude: uuid.UUID | None = None,
    ) -> list[Recipient]:
        """Active users the event is for: every director (if `directors`), the sellers of
        `branch_id`, and `user_ids`; each with what they chose to receive."""
        who = []
        if directors:
            who.append(User.role == Role.ADMIN)
        if branch_id is not None:
            who.append(and_(User.role == Role.SELLER, User.branch_id == branch_id))
        if user_ids:
            who.append(User.id.in_(list(user_ids)))
        if not who:
            return []
        stmt = (
            select(
                User.id,
                NotificationSettings.language,
                NotificationSettings.in_app_types,
                NotificationSettings.telegram_types,
                TelegramLink.chat_id,
            )
            .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
            .outerjoin(TelegramLink, TelegramLink.user_id == User.id)
            .where(User.is_active.is_(True), User.deleted_at.is_(None), or_(*who))
            .order_by(User.id)
        )
        if exclude is not None:
            stmt = stmt.where(User.id != exclude)
        found = []
        for user_id, language, in_app_types, telegram_types, chat_id in self.session.execute(stmt):
            in_app = in_app_types is None or kind.value in in_app_types
            telegram = chat_id is not None and (
                telegram_types is None or kind.value in telegram_types
            )
            found.append(
                Recipient(
                    user_id=user_id,
                    language=language or Language.UZ,
                    in_app=in_app,
                    telegram_chat_id=chat_id if telegram else None,
                )
            )
        return found

    def insert_notifications(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(Notification), rows)

    def chat_of(self, user_id: uuid.UUID) -> int | None:
        """The Telegram chat a user linked, if any."""
        link = self.session.get(TelegramLink, user_id)
        return None if link is None else link.chat_id

    def insert_outbox(self, rows: list[dict[str, Any]]) -> None:
        """Queue messages; one already queued for the same chat and key stays as it is."""
        if not rows:
            return
        stmt = insert_on_conflict(self.dialect(), TelegramOutbox).on_conflict_do_nothing(
            index_elements=[TelegramOutbox.chat_id, TelegramOutbox.dedupe_key]
        )
        self.session.execute(stmt, rows)

    # A recipient's own notifications

    def of_recipient(
        self, user_id: uuid.UUID, *, is_read: bool | None, kind: NotificationType | None
    ) -> Select[Notification]:
        stmt = select(Notification).where(Notification.recipient_id == user_id)
        if is_read is not None:
            stmt = stmt.where(Notification.is_read.is_(is_read))
        if kind is not None:
            stmt = stmt.where(Notification.type == kind)
        return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())

    def unread_count(self, user_id: uuid.UUID) -> int:
        total = self.session.scalar(
            select(func.count()).where(
                Notification.recipient_id == user_id, Notification.is_read.is_(False)
            )
        )
        return int(total or 0)

    def own(self, user_id: uuid.UUID, notification_id: uuid.UUID) -> Notification | None:
        return self.session.scalar(
            select(Notification).where(
                Notification.id == notification_id, Notification.recipient_id == user_id
            )
        )

    def mark_all_read(self, user_id: uuid.UUID, now: datetime) -> int:
        result: Any = self.session.execute(
            update(Notification)
            .where(Notification.recipient_id == user_id, Notification.is_read.is_(False))
            .values(is_read=True, read_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)

    def delete(self, notification: Notification) -> None:
        self.session.execute(delete(Notification).where(Notification.id == notification.id))

    def since(
        self,
        user_id: uuid.UUID,
        after: tuple[datetime, uuid.UUID] | None,
        not_before: datetime | None,
        limit: int,
        exclude: Sequence[uuid.UUID] = (),
    ) -> Sequence[Notification]:
        """The recipient's notifications in the order they were made, after the
        `(created_at, id)` cursor, made from `not_before` on, and not among `exclude`."""
        stmt = select(Notification).where(Notification.recipient_id == user_id)
        if after is not None:
            at, last_id = after
            stmt = stmt.where(
                or_(
                    Notification.created_at > at,
                    and_(Notification.created_at == at, Notification.id > last_id),
                )
            )
        if not_before is not None:
            stmt = stmt.where(Notification.created_at >= not_before)
        if exclude:
            stmt = stmt.where(Notification.id.not_in(list(exclude)))
        stmt = stmt.order_by(Notification.created_at, Notification.id).limit(limit)
        return self.session.scalars(stmt).all()

    # Settings

    def settings_of(self, user_id: uuid.UUID) -> NotificationSettings | None:
        return self.session.get(NotificationSettings, user_id)

    def shop_settings(self) -> ShopNotificationSettings | None:
        """The row itself, to change it."""
        return self.session.get(ShopNotificationSettings, SHOP_ROW)

    def shop_settings_values(self) -> tuple[Any, ...] | None:
        """(large_sale_threshold, debt_due_soon_days, customer_reminders), or None before
        the director first chose."""
        rows = _SHOP_SETTINGS.rows(self.connection, {})
        return rows[0] if rows else None

    def level_rules(self, product_ids: Sequence[uuid.UUID]) -> list[tuple[Any, ...]]:
        """Per product: (id, type, low_stock_threshold) and one of its whole-product alert
        rules (rule id, alert type, threshold, is_active), or Nones when it has none."""
        return _LEVEL_RULES.rows(self.connection, {"product_ids": list(product_ids)})

    def mark_rules_triggered(self, rule_ids: Sequence[uuid.UUID], now: datetime) -> None:
        self.session.execute(
            update(InventoryAlert)
            .where(InventoryAlert.id.in_(rule_ids))
            .values(last_triggered=now)
            .execution_options(synchronize_session=False)
        )
