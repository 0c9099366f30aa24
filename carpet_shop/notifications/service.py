"""Notifications: made in their cause's transaction, once per event, for the right people.

Domains that cause notifications call the functions of `triggers` (through this module's
`emit`); the API reads and marks a recipient's own. Nothing here commits: an event's
notifications, its Telegram messages and its cause land together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.core import events
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import NotFound
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams
from carpet_shop.notifications import texts
from carpet_shop.notifications.models import (
    Language,
    Notification,
    NotificationSettings,
    NotificationType,
    ShopNotificationSettings,
    TelegramLink,
)
from carpet_shop.notifications.repository import (
    ALL_TYPES,
    SHOP_ROW,
    NotificationRepository,
    outbox_row,
)

# Announced after the commit to the app's live streams (core.events).
TOPIC = "notifications"

DEFAULT_LARGE_SALE = Decimal("10000000")
DEFAULT_DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Event:
    """One cause of notifications and who it is for: every director (`directors`), the
    sellers of `sellers_of`, and `users`; never `exclude` (who caused it, and knows)."""

    type: NotificationType
    key: str
    data: dict[str, Any]
    branch_id: uuid.UUID | None = None
    entity_type: str | None = None
    entity_id: uuid.UUID | None = None
    directors: bool = True
    sellers_of: uuid.UUID | None = None
    users: tuple[uuid.UUID, ...] = ()
    exclude: uuid.UUID | None = None


def json_value(value: Any) -> Any:
    """A figure as the JSON `data` holds it: money and lengths as numbers, ids and days as
    text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, uuid.UUID | date | datetime):
        return value.isoformat() if isinstance(value, date | datetime) else str(value)
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


@dataclass
class Emitted:
    notifications: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0


def emit(session: Session, clock: Clock, event: Event) -> Emitted:
    """Store the event's notifications (and queue its Telegram messages) unless its key was
    already used: a replay, a second worker, a retry of the job make nothing new."""
    repo = NotificationRepository(session)
    now = clock.now()
    if not repo.claim_event(event.key, event.type, now):
        return Emitted()
    data = json_value(event.data)
    people = repo.recipients(
        event.type,
        directors=event.directors,
        branch_id=event.sellers_of,
        user_ids=event.users,
        exclude=event.exclude,
    )
    rows: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    for person in people:
        title, message = texts.render(event.type, person.language, data)
        notification_id = None
        if person.in_app:
            notification_id = new_id()
            rows.append(
                {
                    "id": notification_id,
                    "recipient_id": person.user_id,
                    "event_key": event.key,
                    "type": event.type,
                    "title": title,
                    "message": message,
                    "is_read": False,
                    "read_at": None,
                    "branch_id": event.branch_id,
                    "related_entity_type": event.entity_type,
                    "related_entity_id": event.entity_id,
                    "data": data,
                    "created_at": now,
                }
            )
        if person.telegram_chat_id is not None:
            outbox.append(
                outbox_row(person.telegram_chat_id, event.key, f"{title}\n{message}", now)
                | {"notification_id": notification_id}
            )
    repo.insert_notifications(rows)
    repo.insert_outbox(outbox)
    if rows:
        events.announce(
            session,
            TOPIC,
            {"user_ids": sorted({str(r["recipient_id"]) for r in rows})},
        )
    return Emitted(rows, len(outbox))


# The recipient's own notifications


def list_notifications(
    session: Session,
    actor: Actor,
    page: PageParams,
    *,
    is_read: bool | None,
    kind: NotificationType | None,
) -> tuple[Sequence[Notification], int, int]:
    """A page of the caller's notifications, newest first, their total and how many of all
    their notifications are unread."""
    repo = NotificationRepository(session)
    rows, total = repo.paginate(repo.of_recipient(actor.id, is_read=is_read, kind=kind), page)
    return rows, total, repo.unread_count(actor.id)


def unread_count(session: Session, actor: Actor) -> int:
    return NotificationRepository(session).unread_count(actor.id)


def _own(repo: NotificationRepository, actor: Actor, notification_id: uuid.UUID) -> Notification:
    # Another user's notification answers as if there were none: ids are not a way to probe.
    notification = repo.own(actor.id, notification_id)
    if notification is None:
        raise NotFound.of("Notification", notification_id)
    return notification


def mark_read(
    session: Session, actor: Actor, clock: Clock, notification_id: uuid.UUID
) -> Notification:
    repo = NotificationRepository(session)
    notification = _own(repo, actor, notification_id)
    if not notification.is_read:
        notification.is_read = True
        notification.read_at = clock.now()
        repo.flush()
    return notification


def mark_all_read(session: Session, actor: Actor, clock: Clock) -> int:
    return NotificationRepository(session).mark_all_read(actor.id, clock.now())


def delete_notification(session: Session, actor: Actor, notification_id: uuid.UUID) -> None:
    repo = NotificationRepository(session)
    repo.delete(_own(repo, actor, notification_id))


# Settings


@dataclass(frozen=True)
class UserSettings:
    language: Language
    in_app_types: list[str]
    telegram_types: list[str]


def telegram_chat_of(session: Session, user_id: uuid.UUID) -> int | None:
    link = session.get(TelegramLink, user_id)
    return link.chat_id if link is not None else None


def settings_of(session: Session, actor: Actor) -> UserSettings:
    row = NotificationRepository(session).settings_of(actor.id)
    if row is None:
        return UserSettings(Language.UZ, list(ALL_TYPES), list(ALL_TYPES))
    return UserSettings(row.language, list(row.in_app_types), list(row.telegram_types))


def update_settings(
    session: Session,
    actor: Actor,
    clock: Clock,
    *,
    language: Language | None,
    in_app_types: list[NotificationType] | None,
    telegram_types: list[NotificationType] | None,
) -> UserSettings:
    repo = NotificationRepository(session)
    current = settings_of(session, actor)
    row = repo.settings_of(actor.id)
    if row is None:
        row = NotificationSettings(user_id=actor.id)
        session.add(row)
    row.language = language or current.language
    row.in_app_types = _ordered(in_app_types) if in_app_types is not None else current.in_app_types
    row.telegram_types = (
        _ordered(telegram_types) if telegram_types is not None else current.telegram_types
    )
    row.updated_at = clock.now()
    repo.flush()
    return UserSettings(row.language, list(row.in_app_types), list(row.telegram_types))


def _ordered(kinds: list[NotificationType]) -> list[str]:
    chosen = {k.value for k in kinds}
    return [t for t in ALL_TYPES if t in chosen]


@dataclass(frozen=True)
class ShopSettings:
    large_sale_threshold: Decimal | None
    debt_due_soon_days: int
    customer_reminders: bool


def shop_settings(session: Session) -> ShopSettings:
    row = NotificationRepository(session).shop_settings_values()
    if row is None:
        return ShopSettings(DEFAULT_LARGE_SALE, DEFAULT_DUE_SOON_DAYS, True)
    return ShopSettings(*row)


SHOP_SETTINGS_ENTITY = "shop_notification_settings"
SHOP_SETTINGS_FIELDS = ("large_sale_threshold", "debt_due_soon_days", "customer_reminders")


def update_shop_settings(
    session: Session, actor: Actor, clock: Clock, changes: dict[str, Any]
) -> ShopSettings:
    """The director's choices; `changes` holds only the fields sent (a null threshold turns
    large-sale notifications off). Audited: they decide who is told of what."""
    repo = NotificationRepository(session)
    current = shop_settings(session)
    row = repo.shop_settings()
    if row is None:
        row = ShopNotificationSettings(
            id=SHOP_ROW,
            large_sale_threshold=current.large_sale_threshold,
            debt_due_soon_days=current.debt_due_soon_days,
            customer_reminders=current.customer_reminders,
        )
        session.add(row)
    before = audit.snapshot(current, SHOP_SETTINGS_FIELDS)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    repo.flush()
    saved = shop_settings(session)
    audit.log(
        session,
        actor,
        clock,
        AuditAction.UPDATE,
        SHOP_SETTINGS_ENTITY,
        None,
        audit.diff(before, audit.snapshot(saved, SHOP_SETTINGS_FIELDS)),
    )
    return saved
