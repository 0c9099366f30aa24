"""The Telegram sender: reads the bot's updates and sends the outbox, in one process at a time.

Every worker process runs one; only the holder of the `telegram` lease (core.leases) works,
so messages go out in order and Telegram's per-bot limits are met by one sender. A message is
marked `sending` (committed) before the call and settled after it: a 429 (after Telegram's
`retry_after`), a 5xx or a failed connection puts it back for later with backoff; anything
else, or a sender that died mid-call, gives it up. So a message is sent at most once per
chat, and a restart resumes from the table.

Like the debts' status job, it owns its transactions (`Database.transaction`), each short
and run in a worker thread: never on the event loop, where a write waiting for SQLite's lock
would hold up the requests (and the group of writes) that hold it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import timedelta

from carpet_shop.core import leases
from carpet_shop.core.clock import Clock
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.notifications.telegram import service
from carpet_shop.notifications.telegram.bot_api import BotApi, TelegramError

log = logging.getLogger("carpet_shop.notifications.telegram")

LEASE = "telegram"
BATCH = 20


class TelegramWorker:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: Settings,
        *,
        holder: str | None = None,
    ) -> None:
        assert settings.telegram_bot_token, "TELEGRAM_BOT_TOKEN is not set"
        self.database, self.clock = database, clock
        self.interval = settings.telegram_poll_seconds
        self.lease_ttl = timedelta(seconds=max(30.0, 5 * self.interval))
        self.api = BotApi(settings.telegram_bot_token, settings.telegram_api_url)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="telegram-sender")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        await asyncio.to_thread(self._release)
        await self.api.close()

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("the Telegram sender failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)

    # One pass

    async def run_once(self) -> bool:
        """Read updates and send what is due, if this process holds the lease; whether it did."""
        if not await asyncio.to_thread(self._take):
            return False
        await self._read_updates()
        await self._send_due()
        return True

    def _take(self) -> bool:
        with self.database.transaction() as session:
            return leases.take(session, LEASE, self.holder, self.clock.now(), self.lease_ttl)

    def _release(self) -> None:
        with self.database.transaction() as session:
            leases.release(session, LEASE, self.holder, self.clock.now())

    async def _read_updates(self) -> None:
        offset = await asyncio.to_thread(self._offset)
        try:
            updates = await self.api.get_updates(offset)
        except TelegramError as exc:
            log.warning("Telegram updates not read: %s", exc)
            return
        for update in updates:
            reply = await asyncio.to_thread(self._handle, update)
            if reply is None:
                continue
            try:
                await self.api.send_message(reply.chat_id, reply.text, reply.reply_markup)
            except TelegramError as exc:
                log.warning("Telegram reply to chat %s not sent: %s", reply.chat_id, exc)

    def _offset(self) -> int:
        with self.database.transaction(write=False) as session:
            return service.update_offset(session)

    def _handle(self, update: dict[str, object]) -> service.Reply | None:
        # The update and the new offset in one transaction: each is handled once.
        with self.database.transaction() as session:
            reply = service.handle_update(session, self.clock, update)
            service.save_offset(session, int(str(update["update_id"])) + 1)
        return reply

    async def _send_due(self) -> None:
        messages = await asyncio.to_thread(self._due)
        for message in messages:
            if self._stop.is_set():
                return
            if not await asyncio.to_thread(self._claim, message.id):
                continue
            try:
                await self.api.send_message(message.chat_id, message.text)
            except TelegramError as exc:
                log.warning("Telegram message %s not sent: %s", message.id, exc)
                await asyncio.to_thread(self._not_sent, message, exc)
                continue
            await asyncio.to_thread(self._sent, message.id)

    def _due(self) -> list[service.Outgoing]:
        with self.database.transaction() as session:
            service.give_up_interrupted(session, self.clock.now())
            return service.due(session, self.clock.now(), BATCH)

    def _claim(self, message_id: uuid.UUID) -> bool:
        with self.database.transaction() as session:
            return service.claim(session, message_id, self.clock.now())

    def _sent(self, message_id: uuid.UUID) -> None:
        with self.database.transaction() as session:
            service.sent(session, message_id, self.clock.now())

    def _not_sent(self, message: service.Outgoing, error: TelegramError) -> None:
        with self.database.transaction() as session:
            if error.retryable:
                service.retry_later(
                    session, message, self.clock.now(), str(error), error.retry_after
                )
            else:
                service.failed(session, message.id, str(error))
