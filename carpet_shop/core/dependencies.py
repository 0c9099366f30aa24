"""Request-level dependencies: the clock, the settings, the caller's address. The
transaction is declared per route (core.sessions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from carpet_shop.core.clock import Clock
from carpet_shop.core.config import Settings

# Dependencies are `async def`: FastAPI runs sync ones in a thread pool, and that hop costs
# more than most of them do. The request's session is declared by each route (core.sessions).


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None
    user_agent: str | None


async def get_request_meta(request: Request) -> RequestMeta:
    return request_meta(request)


def request_meta(request: Request) -> RequestMeta:
    user_agent = request.headers.get("user-agent")
    return RequestMeta(
        ip_address=request.client.host if request.client else None,
        user_agent=user_agent[:255] if user_agent else None,
    )


AppClock = Annotated[Clock, Depends(get_clock)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
Meta = Annotated[RequestMeta, Depends(get_request_meta)]

# A payment's retry key (customers' debts, suppliers' payables): the same key records it once.
PaymentIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=100,
        description="Send the same value when retrying: the payment is recorded once",
    ),
]
