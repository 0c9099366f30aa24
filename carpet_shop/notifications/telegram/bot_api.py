"""The few Telegram Bot API methods the shop uses, over httpx.

Why httpx rather than aiogram or python-telegram-bot: the shop needs two methods
(`sendMessage`, `getUpdates`) and delivery rules of its own (an outbox in the database, at
most once per notification and chat, one sender across workers, Telegram's `retry_after`
honoured). A bot framework brings its own dispatcher, polling loop, session and retries, which
would fight those rules; httpx is already the project's HTTP client and lets the tests point
the bot at a fake Bot API on loopback (`TELEGRAM_API_URL`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2 as httpx

TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class TelegramError(Exception):
    """A call that did not succeed. `retry_after`: seconds Telegram asked to wait (429);
    `retryable`: worth trying again (429, 5xx, no connection made)."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass
class BotApi:
    token: str
    base_url: str = "https://api.telegram.org"

    def __post_init__(self) -> None:
        self._client = httpx.AsyncClient(base_url=self.base_url.rstrip("/"), timeout=TIMEOUT)

    async def close(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        try:
            response = await self._client.post(f"/bot{self.token}/{method}", json=payload)
        except httpx.ConnectError as exc:
            # Nothing reached Telegram: safe to try again.
            raise TelegramError(f"{method}: cannot connect", retryable=True) from exc
        except httpx.HTTPError as exc:
            # It may or may not have arrived.
            raise TelegramError(f"{method}: {type(exc).__name__}", retryable=False) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and body.get("ok"):
            return body.get("result")
        description = str(body.get("description") or response.reason_phrase)[:300]
        if response.status_code == 429:
            retry_after = (body.get("parameters") or {}).get("retry_after")
            raise TelegramError(
                f"{method}: 429 {description}",
                retryable=True,
                retry_after=float(retry_after) if retry_after is not None else None,
            )
        retryable = response.status_code >= 500
        raise TelegramError(f"{method}: {response.status_code} {description}", retryable=retryable)

    async def send_message(
        self, chat_id: int, text: str, reply_markup: dict[str, Any] | None = None
    ) -> Any:
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_markup is not None:
            payload["reply_markup"] = reply_markup
        return await self.call("sendMessage", payload)

    async def get_updates(self, offset: int, timeout: int = 0) -> list[dict[str, Any]]:
        result = await self.call(
            "getUpdates",
            {"offset": offset, "timeout": timeout, "allowed_updates": ["message"]},
        )
        return list(result or [])
