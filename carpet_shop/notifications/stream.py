"""`GET /api/notifications/stream`: a recipient's notifications as Server-Sent Events.

Each event's `id` is the notification's id; a reconnect with `Last-Event-ID` gets every
notification made after that one. The stream holds no database connection while it waits:
it reads the table briefly when woken (see `live`), at each heartbeat, and on start, each
time in a read session of its own (`read`: core.sessions.read_first, bound to the request).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from carpet_shop.notifications.live import LiveHub
from carpet_shop.notifications.models import Notification
from carpet_shop.notifications.repository import NotificationRepository
from carpet_shop.notifications.schemas import NotificationRead

# Notifications are ordered by when they were made, but a transaction that made one may
# commit after a later one: each read looks this far back for any it has not sent yet.
LOOK_BACK = timedelta(seconds=10)
BATCH = 100
RETRY_MS = 3000

Cursor = tuple[datetime, uuid.UUID]
# `await read(call, *args)`: `call(session, *args)` in a read session opened for it alone.
Read = Callable[..., Awaitable[Any]]


def _start(session: Session, user_id: uuid.UUID, last_event_id: str | None) -> Cursor | None:
    """Where the stream starts: after the notification the client saw last, or after the
    newest one (the client reads older ones with GET /api/notifications)."""
    repo = NotificationRepository(session)
    if last_event_id:
        try:
            seen = repo.own(user_id, uuid.UUID(last_event_id))
        except ValueError:
            seen = None
        if seen is not None:
            return seen.created_at, seen.id
    newest = session.scalars(repo.of_recipient(user_id, is_read=None, kind=None).limit(1)).first()
    return (newest.created_at, newest.id) if newest is not None else None


def _read(
    session: Session,
    user_id: uuid.UUID,
    start: Cursor | None,
    floor: datetime | None,
    sent: list[uuid.UUID],
) -> list[Notification]:
    repo = NotificationRepository(session)
    return list(repo.since(user_id, start, floor, BATCH, exclude=sent))


def _event(notification: Notification) -> str:
    body = NotificationRead.model_validate(notification).model_dump_json()
    return f"id: {notification.id}\nevent: notification\ndata: {body}\n\n"


async def events(
    hub: LiveHub, read: Read, user_id: uuid.UUID, last_event_id: str | None
) -> AsyncIterator[str]:
    key = str(user_id)
    waiter = hub.listen(key)
    heartbeat = hub.settings.sse_heartbeat_seconds
    loop = asyncio.get_running_loop()
    try:
        start: Cursor | None = await read(_start, user_id, last_event_id)
        yield f"retry: {RETRY_MS}\n\n"
        floor: datetime | None = None
        sent: dict[uuid.UUID, datetime] = {}
        last_write = loop.time()
        while not hub.closing:
            waiter.clear()
            rows: list[Notification] = await read(_read, user_id, start, floor, list(sent))
            fresh = [n for n in rows if n.id not in sent]
            for notification in fresh:
                sent[notification.id] = notification.created_at
                yield _event(notification)
            if fresh:
                last_write = loop.time()
                newest = max(sent.values())
                floor = newest - LOOK_BACK if floor is None else max(floor, newest - LOOK_BACK)
                sent = {i: at for i, at in sent.items() if at >= floor}
                if len(rows) == BATCH:
                    continue
            wait = heartbeat - (loop.time() - last_write)
            if hub.poll_seconds is not None:
                wait = min(wait, hub.poll_seconds)
            try:
                await asyncio.wait_for(waiter.wait(), timeout=max(wait, 0))
            except TimeoutError:
                if loop.time() - last_write >= heartbeat:
                    yield ": ping\n\n"
                    last_write = loop.time()
    finally:
        hub.forget(key, waiter)
