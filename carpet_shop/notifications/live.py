"""Live notifications: a recipient's open streams are woken when their notifications commit.

What travels is only "user X has news": each stream then reads the table from where it
stopped, so the table stays the one truth, a reconnect with `Last-Event-ID` resumes from it,
and a lost wake-up costs at most one heartbeat's delay (every heartbeat re-reads too).

How wake-ups travel (chosen at start-up, and logged):
- `redis`: `REDIS_URL` set: published on a Redis channel, heard by every process and host;
- `in-process`: one worker process, no Redis;
- `table`: several workers without Redis: streams read the table every `SSE_POLL_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import threading
from collections.abc import Iterable
from types import FrameType
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from carpet_shop.core.config import Settings
from carpet_shop.core.events import Announcement
from carpet_shop.core.redis import client as redis_client
from carpet_shop.core.redis import key as redis_key
from carpet_shop.notifications.service import TOPIC

log = logging.getLogger("carpet_shop.notifications.live")

REDIS_RETRY_SECONDS = 1.0


def _recipients(announcements: list[Announcement]) -> list[str]:
    users: set[str] = set()
    for announcement in announcements:
        if announcement.topic == TOPIC:
            users.update(announcement.payload["user_ids"])
    return sorted(users)


class LiveHub:
    """The streams open in this process, by user, and how they are woken."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: aioredis.Redis | None = redis_client(settings)
        if self.redis is not None:
            self.mode = "redis"
        elif settings.web_concurrency > 1:
            self.mode = "table"
        else:
            self.mode = "in-process"
        self.channel = redis_key(settings, "notifications")
        self._streams: dict[str, set[asyncio.Event]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outgoing: asyncio.Queue[list[str]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._signals: dict[int, Any] = {}
        self.closing = False

    @property
    def poll_seconds(self) -> float | None:
        """How often a stream reads the table without being woken (None: only when woken
        and at each heartbeat)."""
        return self.settings.sse_poll_seconds if self.mode == "table" else None

    # Start and stop

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.mode == "redis":
            self._tasks = [
                asyncio.create_task(self._publish(), name="live-publish"),
                asyncio.create_task(self._subscribe(), name="live-subscribe"),
            ]
            log.info("live notifications travel through Redis (channel %s)", self.channel)
        elif self.mode == "table":
            log.warning(
                "live notifications: %d worker processes and no REDIS_URL, so streams read "
                "the notifications table every %.1f s; set REDIS_URL for instant delivery",
                self.settings.web_concurrency,
                self.settings.sse_poll_seconds,
            )
        else:
            log.info("live notifications travel in-process (one worker, no REDIS_URL)")
        self._end_streams_on_exit_signals()

    async def stop(self) -> None:
        self.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.redis is not None:
            await self.redis.aclose()
        for sig, previous in self._signals.items():
            signal.signal(sig, previous)

    def close(self) -> None:
        """End every open stream (the server is stopping)."""
        self.closing = True
        for waiters in self._streams.values():
            for waiter in waiters:
                waiter.set()

    def _end_streams_on_exit_signals(self) -> None:
        """Streams never end by themselves, and uvicorn waits for open responses before it
        runs the app's shutdown: so its exit signals end them first, then go on to it."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = self._loop
        assert loop is not None
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(sig)
            if not callable(previous):
                continue

            def handler(number: int, frame: FrameType | None, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(self.close)
                previous(number, frame)

            self._signals[sig] = previous
            signal.signal(sig, handler)

    # Streams

    def listen(self, user_id: str) -> asyncio.Event:
        waiter = asyncio.Event()
        self._streams.setdefault(user_id, set()).add(waiter)
        if self.closing:
            waiter.set()
        return waiter

    def forget(self, user_id: str, waiter: asyncio.Event) -> None:
        waiters = self._streams.get(user_id)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._streams[user_id]

    def wake(self, user_ids: Iterable[str]) -> None:
        for user_id in user_ids:
            for waiter in self._streams.get(user_id, ()):
                waiter.set()

    @property
    def open_streams(self) -> int:
        return sum(len(w) for w in self._streams.values())

    # Committed notifications (core.events listener: any thread)

    def committed(self, announcements: list[Announcement]) -> None:
        users = _recipients(announcements)
        if not users or self._loop is None or self.mode == "table":
            return
        if self.mode == "redis":
            self._loop.call_soon_threadsafe(self._outgoing.put_nowait, users)
        else:
            self._loop.call_soon_threadsafe(self.wake, users)

    async def _publish(self) -> None:
        assert self.redis is not None
        while True:
            users = await self._outgoing.get()
            try:
                await self.redis.publish(self.channel, json.dumps(users))
            except (RedisError, OSError):
                # The streams of this process still hear of it; others at their heartbeat.
                log.exception("could not publish a live notification to Redis")
                self.wake(users)

    async def _subscribe(self) -> None:
        assert self.redis is not None
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    # Anything committed while not subscribed: every stream reads again.
                    self.wake(list(self._streams))
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.wake(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, ValueError):
                log.exception("Redis subscription lost; retrying")
                await asyncio.sleep(REDIS_RETRY_SECONDS)
