"""General rate limits (specification, additions 5A): requests per minute per client address
and per signed-in user, answered `429 RATE_LIMITED` with `Retry-After` past the limit.

Counted in fixed one-minute windows. With REDIS_URL the counts live in Redis and every worker
and host shares them (one INCR per request and limit); without it each process counts its
own requests, so with N workers a client may get up to N times the limit before 429 (the
single-process default counts exactly). The address is the client's as the service sees it
after FORWARDED_ALLOW_IPS: a proxy's X-Forwarded-For is believed only from those addresses,
so that a shop's phones behind its router are one address only if they really are.

The failed-login limit (auth) is separate and stricter; /health and /metrics are not
limited (probes and scrapes must get through when something is wrong).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from carpet_shop.core import metrics
from carpet_shop.core.envelope import error_envelope
from carpet_shop.core.errors import RateLimited
from carpet_shop.core.i18n import Message, translate
from carpet_shop.core.redis import SharedRedis

log = logging.getLogger("carpet_shop.rate_limits")

WINDOW_SECONDS = 60
UNLIMITED_PATHS = ("/health", "/metrics")


# What a client reads past each limit (a template per limit, so each translates whole).
_TOO_MANY: dict[str, Callable[[int, int], Message]] = {
    "address": lambda limit, seconds: Message(
        "Too many requests from this address: at most {limit} a minute; try again in {seconds} s",
        limit=limit,
        seconds=seconds,
    ),
    "user": lambda limit, seconds: Message(
        "Too many requests from this account: at most {limit} a minute; try again in {seconds} s",
        limit=limit,
        seconds=seconds,
    ),
}


class Counts:
    """Requests counted in the current window, per key."""

    async def hit(self, key: str, window: int) -> int:
        raise NotImplementedError


@dataclass
class MemoryCounts(Counts):
    """This process's own counts (no Redis): one window kept per key."""

    _windows: dict[str, tuple[int, int]] = field(default_factory=dict)

    async def hit(self, key: str, window: int) -> int:
        seen_window, count = self._windows.get(key, (window, 0))
        count = count + 1 if seen_window == window else 1
        self._windows[key] = (window, count)
        if len(self._windows) > 100_000:
            # Drop windows that have ended, so that many addresses cannot grow this forever.
            self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        return count


@dataclass
class RedisCounts(Counts):
    """Counts shared by every worker and host, in Redis; they expire with their window."""

    shared: SharedRedis

    async def hit(self, key: str, window: int) -> int:
        name = self.shared.key("rate", key, str(window))
        async with self.shared.async_client.pipeline(transaction=False) as pipe:
            pipe.incr(name)
            pipe.expire(name, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
        return int(count)


@dataclass
class RateLimiter:
    per_user: int
    per_address: int
    counts: Counts
    wall_clock: Callable[[], float] = time.time

    @classmethod
    def build(cls, per_user: int, per_address: int, shared: SharedRedis | None) -> RateLimiter:
        counts: Counts = RedisCounts(shared) if shared is not None else MemoryCounts()
        return cls(per_user=per_user, per_address=per_address, counts=counts)

    async def _check(self, kind: str, subject: str, limit: int) -> None:
        if limit <= 0:
            return
        now = self.wall_clock()
        window = int(now // WINDOW_SECONDS)
        try:
            count = await self.counts.hit(f"{kind}:{subject}", window)
        except redis.RedisError as exc:
            # Better to serve unlimited for a while than to refuse every seller.
            log.warning("rate limit not counted (Redis): %s", exc)
            return
        if count > limit:
            metrics.RATE_LIMITED.labels(kind).inc()
            retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
            raise RateLimited(retry_after, _TOO_MANY[kind](limit, retry_after))

    async def check_address(self, address: str | None) -> None:
        if address:
            await self._check("address", address, self.per_address)

    async def check_user(self, user_id: object) -> None:
        await self._check("user", str(user_id), self.per_user)


class AddressLimitMiddleware:
    """Counts every request against its client address before anything else is done for it."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter):
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(UNLIMITED_PATHS):
            client = scope.get("client")
            try:
                await self.limiter.check_address(client[0] if client else None)
            except RateLimited as refused:
                response = JSONResponse(
                    error_envelope(refused.code, translate(refused.message), refused.details),
                    status_code=refused.status_code,
                    headers={"Retry-After": str(refused.retry_after_seconds)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
