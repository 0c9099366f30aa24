"""`GET /api/notifications/stream`: a recipient's notifications as Server-Sent Events.

Each event's `id` is the notification's id; a reconnect with `Last-Event-ID` gets every
notification made after that one. The stream holds no database connection while it waits:
it reads the table briefly when woken (see `live`), at each heartbeat, and on start.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from carpet_shop.core.database import Database
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


def _start(database: Database, user_id: uuid.UUID, last_event_id: str | None) -> Cursor | None:
    """Where the stream starts: after the notification the client saw last, or after the
    newest one (the client reads older ones with GET /api/notifications)."""
    with database.transaction(write=False) as session:
        repo = NotificationRepository(session)
        if last_event_id:
            try:
                seen = repo.own(user_id, uuid.UUID(last_event_id))
            except ValueError:
                seen = None
            if seen is not None:
                return seen.created_at, seen.id
        newest = session.scalars(
            repo.of_recipient(user_id, is_read=None, kind=None).limit(1)
        ).first()
        return (newest.created_at, newest.id) if newest is not None else None


def _read(
    database: Database,
    user_id: uuid.UUID,
    start: Cursor | None,
    floor: datetime | None,
    sent: list[uuid.UUID],
) -> list[Notification]:
    with database.transaction(write=False) as session:
        repo = NotificationRepository(session)
        return list(repo.since(user_id, start, floor, BATCH, exclude=sent))


def _event(notification: Notification) -> str:
    body = NotificationRead.model_validate(notification).model_dump_json()
    return f"id: {notification.id}\nevent: notification\ndata: {body}\n\n"


async def events(
    hub: LiveHub, database: Database, user_id: uuid.UUID, last_event_id: str | None
) -> AsyncIterator[str]:
    key = str(user_id)
    waiter = hub.listen(key)
    heartbeat = hub.settings.sse_heartbeat_seconds
    loop = asyncio.get_running_loop()
    try:
        start = await database.run(_start, database, user_id, last_event_id)
        yield f"retry: {RETRY_MS}\n\n"
        floor: datetime | None = None
        sent: dict[uuid.UUID, datetime] = {}
        last_write = loop.time()
        while not hub.closing:
            waiter.clear()
            rows = await database.run(_read, database, user_id, start, floor, list(sent))
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
