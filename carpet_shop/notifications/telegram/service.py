"""Telegram: linking a user's chat, customers sharing their contact, the outbox's states.

Plain functions on a session, like every service: the sender (`jobs.py`) calls them in
short transactions of their own, so no connection is held while it waits for Telegram.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.branches.models import Branch
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import NotFound
from carpet_shop.customers.models import Customer
from carpet_shop.customers.phone import InvalidPhone, normalize_phone
from carpet_shop.debts.models import Debt
from carpet_shop.notifications import texts
from carpet_shop.notifications.models import (
    CustomerTelegram,
    Language,
    NotificationSettings,
    OutboxStatus,
    TelegramBotState,
    TelegramLink,
    TelegramLinkCode,
    TelegramOutbox,
)
from carpet_shop.notifications.repository import NotificationRepository, outbox_row
from carpet_shop.notifications.service import shop_settings

LINK_CODE_LIFETIME = timedelta(minutes=15)
# A message whose sending was interrupted (the sender died mid-call) may have arrived: it is
# given up, never sent twice.
INTERRUPTED_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=10)
BOT_STATE_ROW = 1

CONTACT_KEYBOARD = {
    "keyboard": [[{"text": "📱 Raqamni yuborish / Отправить номер", "request_contact": True}]],
    "one_time_keyboard": True,
    "resize_keyboard": True,
}
_REMOVE_KEYBOARD = {"remove_keyboard": True}


# Linking a user's chat


def create_link_code(session: Session, actor: Actor, clock: Clock) -> TelegramLinkCode:
    now = clock.now()
    # Earlier codes of this user stop working: only the newest one links.
    session.execute(delete(TelegramLinkCode).where(TelegramLinkCode.user_id == actor.id))
    code = TelegramLinkCode(
        code=secrets.token_hex(8),
        user_id=actor.id,
        expires_at=now + LINK_CODE_LIFETIME,
    )
    session.add(code)
    session.flush()
    return code


def unlink(session: Session, actor: Actor) -> bool:
    result: Any = session.execute(delete(TelegramLink).where(TelegramLink.user_id == actor.id))
    return bool(result.rowcount)


def _language_of(session: Session, user_id: uuid.UUID) -> Language:
    chosen = session.get(NotificationSettings, user_id)
    return chosen.language if chosen is not None else Language.UZ


@dataclass(frozen=True)
class Reply:
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None = None


def _link(session: Session, clock: Clock, chat_id: int, code: str) -> Reply:
    now = clock.now()
    found = session.scalar(
        select(TelegramLinkCode).where(TelegramLinkCode.code == code).with_for_update()
    )
    if found is None or found.used_at is not None or found.expires_at <= now:
        return Reply(
            chat_id,
            "Kod eskirgan yoki noto'g'ri. Ilovada yangisini oling.\n"
            "Код устарел или неверен. Получите новый в приложении.",
        )
    found.used_at = now
    # One chat per user; a chat linked to another user before now follows this one.
    session.execute(delete(TelegramLink).where(TelegramLink.chat_id == chat_id))
    link = session.get(TelegramLink, found.user_id)
    if link is None:
        session.add(TelegramLink(user_id=found.user_id, chat_id=chat_id, linked_at=now))
    else:
        link.chat_id, link.linked_at = chat_id, now
    session.flush()
    if _language_of(session, found.user_id) == Language.RU:
        return Reply(chat_id, "Готово: уведомления магазина будут приходить сюда.")
    return Reply(chat_id, "Tayyor: do'kon bildirishnomalari shu yerga keladi.")


def _contact(session: Session, clock: Clock, message: dict[str, Any]) -> Reply:
    chat_id = int(message["chat"]["id"])
    contact = message["contact"]
    sender = (message.get("from") or {}).get("id")
    if contact.get("user_id") is None or contact.get("user_id") != sender:
        return Reply(
            chat_id,
            "Iltimos, o'z raqamingizni tugma orqali yuboring.\n"
            "Пожалуйста, отправьте свой номер кнопкой.",
            CONTACT_KEYBOARD,
        )
    try:
        phone = normalize_phone(str(contact.get("phone_number", "")))
    except InvalidPhone:
        phone = None
    customer = (
        session.scalar(
            select(Customer).where(Customer.phone == phone, Customer.deleted_at.is_(None))
        )
        if phone
        else None
    )
    if customer is None:
        return Reply(
            chat_id,
            "Bu raqam bo'yicha mijoz topilmadi.\nКлиент с этим номером не найден.",
            _REMOVE_KEYBOARD,
        )
    now = clock.now()
    session.execute(
        update(CustomerTelegram)
        .where(CustomerTelegram.chat_id == chat_id, CustomerTelegram.customer_id != customer.id)
        .values(chat_id=None, updated_at=now)
    )
    row = session.get(CustomerTelegram, customer.id)
    if row is None:
        row = CustomerTelegram(customer_id=customer.id, reminders=True, updated_at=now)
        session.add(row)
    row.chat_id, row.linked_at, row.updated_at = chat_id, now, now
    session.flush()
    return Reply(
        chat_id,
        f"Rahmat, {customer.name}! Nasiya to'lovi eslatmalarini shu yerda olasiz.\n"
        f"Спасибо, {customer.name}! Напоминания об оплате долга придут сюда.",
        _REMOVE_KEYBOARD,
    )


def handle_update(session: Session, clock: Clock, update_: dict[str, Any]) -> Reply | None:
    """What the bot does with one update: `/start CODE` links a user's chat, `/start` asks a
    customer for their contact, a shared contact links a customer found by phone."""
    message = update_.get("message")
    if not isinstance(message, dict) or "chat" not in message:
        return None
    chat_id = int(message["chat"]["id"])
    if message.get("contact"):
        return _contact(session, clock, message)
    text = str(message.get("text") or "").strip()
    if text.startswith("/start"):
        code = text.removeprefix("/start").strip()
        if code:
            return _link(session, clock, chat_id, code)
        return Reply(
            chat_id,
            "Assalomu alaykum! Nasiya eslatmalarini olish uchun raqamingizni yuboring.\n"
            "Здравствуйте! Отправьте свой номер, чтобы получать напоминания о долге.",
            CONTACT_KEYBOARD,
        )
    return None


def update_offset(session: Session) -> int:
    state = session.get(TelegramBotState, BOT_STATE_ROW)
    return state.update_offset if state is not None else 0


def save_offset(session: Session, offset: int) -> None:
    state = session.get(TelegramBotState, BOT_STATE_ROW)
    if state is None:
        session.add(TelegramBotState(id=BOT_STATE_ROW, update_offset=offset))
    else:
        state.update_offset = max(state.update_offset, offset)
    session.flush()


# The outbox


@dataclass(frozen=True)
class Outgoing:
    id: uuid.UUID
    chat_id: int
    text: str
    attempts: int


def due(session: Session, now: datetime, limit: int) -> list[Outgoing]:
    rows = session.scalars(
        select(TelegramOutbox)
        .where(
            TelegramOutbox.status == OutboxStatus.PENDING,
            TelegramOutbox.next_attempt_at <= now,
        )
        .order_by(TelegramOutbox.next_attempt_at, TelegramOutbox.created_at)
        .limit(limit)
    ).all()
    return [Outgoing(r.id, r.chat_id, r.text, r.attempts) for r in rows]


def claim(session: Session, message_id: uuid.UUID, now: datetime) -> bool:
    """Mark a message as being sent, before the call: committed, this is what keeps it from
    ever being sent twice (a sender that dies mid-call leaves it `sending`)."""
    result: Any = session.execute(
        update(TelegramOutbox)
        .where(TelegramOutbox.id == message_id, TelegramOutbox.status == OutboxStatus.PENDING)
        .values(
            status=OutboxStatus.SENDING,
            attempts=TelegramOutbox.attempts + 1,
            next_attempt_at=now,
        )
    )
    return bool(result.rowcount)


def _settle(session: Session, message_id: uuid.UUID, **values: Any) -> None:
    session.execute(
        update(TelegramOutbox)
        .where(TelegramOutbox.id == message_id, TelegramOutbox.status == OutboxStatus.SENDING)
        .values(**values)
    )


def sent(session: Session, message_id: uuid.UUID, now: datetime) -> None:
    _settle(session, message_id, status=OutboxStatus.SENT, sent_at=now, last_error=None)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def retry_later(
    session: Session,
    message: Outgoing,
    now: datetime,
    error: str,
    retry_after: float | None,
) -> None:
    """Back to pending, after Telegram's `retry_after` or an exponential backoff; given up
    after MAX_ATTEMPTS."""
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        failed(session, message.id, f"gave up after {attempts} attempts: {error}")
        return
    wait = timedelta(seconds=retry_after) if retry_after is not None else backoff(attempts)
    _settle(
        session,
        message.id,
        status=OutboxStatus.PENDING,
        next_attempt_at=now + wait,
        last_error=error[:500],
    )


def failed(session: Session, message_id: uuid.UUID, error: str) -> None:
    _settle(session, message_id, status=OutboxStatus.FAILED, last_error=error[:500])


def give_up_interrupted(session: Session, now: datetime) -> int:
    result: Any = session.execute(
        update(TelegramOutbox)
        .where(
            TelegramOutbox.status == OutboxStatus.SENDING,
            TelegramOutbox.next_attempt_at < now - INTERRUPTED_AFTER,
        )
        .values(
            status=OutboxStatus.FAILED,
            last_error="interrupted while sending: it may or may not have arrived",
        )
    )
    return int(result.rowcount)


# Customers' debt reminders (nasiya)


def set_customer_reminders(
    session: Session, actor: Actor, clock: Clock, customer_id: uuid.UUID, reminders: bool
) -> CustomerTelegram:
    if session.get(Customer, customer_id) is None:
        raise NotFound.of("Customer", customer_id)
    now = clock.now()
    row = session.get(CustomerTelegram, customer_id)
    if row is None:
        row = CustomerTelegram(customer_id=customer_id, chat_id=None, updated_at=now)
        session.add(row)
    was = row.reminders is not False  # a new row: on, its column's default
    row.reminders, row.updated_at = reminders, now
    session.flush()
    if was != reminders:
        change = {"telegram_reminders": {"old": was, "new": reminders}}
        audit.log(session, actor, clock, AuditAction.UPDATE, "customer", customer_id, change)
    return row


def _reminder_text(
    customer_name: str,
    remaining: Decimal,
    deadline: date,
    branch_name: str,
    branch_phone: str | None,
    *,
    overdue: bool,
) -> str:
    owed = texts.som(remaining)
    whom = branch_name + (f" ({branch_phone})" if branch_phone else "")
    day = deadline.strftime("%d.%m.%Y")
    if overdue:
        return (
            f"Assalomu alaykum, {customer_name}! {whom} do'konidan {owed} nasiyangiz "
            f"bor. To'lov muddati {day} edi, o'tib ketdi. Iltimos, to'lovni amalga oshiring."
        )
    return (
        f"Assalomu alaykum, {customer_name}! {whom} do'konidan {owed} nasiyangiz "
        f"bor. To'lov muddati: {day}."
    )


def remind_customers(
    session: Session, clock: Clock, debt_ids: list[uuid.UUID], *, overdue: bool
) -> int:
    """Queue a reminder of each debt for its customer's chat, if they shared their contact
    and the director has not turned reminders off (for the shop or for them); once per debt,
    kind and deadline, however often the job runs. Returns how many were queued."""
    if not debt_ids or not shop_settings(session).customer_reminders:
        return 0
    rows = session.execute(
        select(
            Debt.id,
            Debt.remaining_amount,
            Debt.payment_deadline,
            Customer.name,
            Branch.name,
            Branch.phone,
            CustomerTelegram.chat_id,
        )
        .join(Customer, Customer.id == Debt.customer_id)
        .join(Branch, Branch.id == Debt.branch_id)
        .join(CustomerTelegram, CustomerTelegram.customer_id == Debt.customer_id)
        .where(
            Debt.id.in_(debt_ids),
            Debt.remaining_amount > 0,
            CustomerTelegram.chat_id.is_not(None),
            CustomerTelegram.reminders.is_(True),
        )
    ).all()
    now = clock.now()
    kind = "overdue" if overdue else "due_soon"
    queued = [
        outbox_row(
            chat_id,
            f"customer:{kind}:{debt_id}:{deadline.isoformat()}",
            _reminder_text(name, remaining, deadline, branch, phone, overdue=overdue),
            now,
        )
        for debt_id, remaining, deadline, name, branch, phone, chat_id in rows
        if chat_id is not None
    ]
    NotificationRepository(session).insert_outbox(queued)
    return len(queued)
