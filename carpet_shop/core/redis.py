"""The shared Redis (`REDIS_URL`): what several workers and hosts must agree on lives there.

- the read caches' commit counter (core.shared_cache) and the general rate limits
  (core.rate_limits), through `SharedRedis`: a blocking client for the code in threads and an
  asyncio one for the event loop, both answering within `TIMEOUT_SECONDS`;
- live events across workers (notifications.live): published and heard on a channel, through
  `client()`, a connection of its own without a read timeout (a subscriber waits for as long
  as nothing happens).

Without it each process keeps its own (uncached with several workers, live streams reading
the table), and the service says so at startup. Every key and channel is
`<REDIS_PREFIX>:<name>` (`key`), so several shops (or test runs) can share one server; nothing
here ever flushes a database.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
import redis.asyncio as aredis

from carpet_shop.core.config import ConfigurationError, Settings

# A Redis that does not answer is reported in seconds, not after the system's TCP timeout.
TIMEOUT_SECONDS = 2.0


def key(settings: Settings, *parts: str) -> str:
    """The shop's name for a key or channel: `<REDIS_PREFIX>:<part>:<part>...`."""
    return _key(settings.redis_prefix, parts)


def _key(prefix: str, parts: tuple[str, ...]) -> str:
    return ":".join((prefix, *parts))


def client(settings: Settings) -> aredis.Redis | None:
    """An asyncio client for publishing and subscribing (live events), when `REDIS_URL` is
    set: replies decoded, no read timeout (a subscription is quiet most of the time)."""
    if not settings.redis_url:
        return None
    return aredis.from_url(
        settings.redis_url,
        decode_responses=True,
        health_check_interval=30,
        socket_connect_timeout=TIMEOUT_SECONDS,
    )


@dataclass(frozen=True)
class SharedRedis:
    """Clients for the code that blocks (repositories, jobs: in threads) and for the code on
    the event loop (middleware, streams), with the service's key prefix."""

    client: redis.Redis
    async_client: aredis.Redis
    prefix: str

    @classmethod
    def connect(cls, url: str, prefix: str) -> SharedRedis:
        return cls(
            client=redis.Redis.from_url(
                url,
                health_check_interval=30,
                socket_connect_timeout=TIMEOUT_SECONDS,
                socket_timeout=TIMEOUT_SECONDS,
            ),
            async_client=aredis.Redis.from_url(
                url,
                health_check_interval=30,
                socket_connect_timeout=TIMEOUT_SECONDS,
                socket_timeout=TIMEOUT_SECONDS,
            ),
            prefix=prefix,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> SharedRedis | None:
        if not settings.redis_url:
            return None
        return cls.connect(settings.redis_url, settings.redis_prefix)

    def key(self, *parts: str) -> str:
        return _key(self.prefix, parts)

    def check(self) -> None:
        """Refuse to start on a Redis that does not answer: workers that cannot share their
        caches would serve each other's stale pages."""
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise ConfigurationError(
                f"Cannot reach Redis at REDIS_URL: {exc}. Start it, fix REDIS_URL, "
                "or leave REDIS_URL unset to run without shared caches."
            ) from exc

    async def close(self) -> None:
        await self.async_client.aclose()
        self.client.close()
