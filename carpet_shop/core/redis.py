"""The shop's Redis connection (redis-py's asyncio client), when `REDIS_URL` is set.

Every key and channel is named under the shop's `REDIS_PREFIX`, so several shops (or test
runs) can share one server.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from carpet_shop.core.config import Settings


def client(settings: Settings) -> aioredis.Redis | None:
    if not settings.redis_url:
        return None
    return aioredis.from_url(settings.redis_url, decode_responses=True, health_check_interval=30)


def key(settings: Settings, *parts: str) -> str:
    return ":".join((settings.redis_prefix, *parts))
