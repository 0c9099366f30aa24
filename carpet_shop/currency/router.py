"""/api/currency-rates: the director records the day's dollar rate; anyone signed in reads it
(sellers see dollar list prices in so'm)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.currency import service
from carpet_shop.currency.schemas import CurrencyRateCreate, CurrencyRateRead, CurrentRate
from carpet_shop.debts.dependencies import ShopToday

router = APIRouter(prefix="/api/currency-rates", tags=["currency"], route_class=SessionRoute)


@router.post(
    "",
    response_model=Envelope[CurrencyRateRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409, s409="CONFLICT: that day's rate is already recorded"),
    summary="Record the day's dollar rate (director): so'm per 1 USD, one per shop day",
)
def record_rate(
    body: CurrencyRateCreate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    today: ShopToday,
) -> Envelope[CurrencyRateRead]:
    row = service.record_rate(session, actor, clock, body, today)
    return ok(CurrencyRateRead.model_validate(row), "Dollar rate recorded")


@router.get(
    "",
    response_model=ListEnvelope[CurrencyRateRead],
    responses=errors(*AUTHED),
    summary="Recorded dollar rates, newest day first",
)
def list_rates(
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    date_from: Annotated[ShopDay | None, Query(description="First day, inclusive")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last day, inclusive")] = None,
) -> ListEnvelope[CurrencyRateRead]:
    rows, total = service.history(session, page, date_from, date_to)
    return page_of([CurrencyRateRead.model_validate(r) for r in rows], page, total)


@router.get(
    "/current",
    response_model=Envelope[CurrentRate],
    responses=errors(*AUTHED, 404, s404="NOT_FOUND (details.reason NO_RATE): none recorded yet"),
    summary="The rate in force today: today's, else the latest recorded before it",
)
def current_rate(
    actor: CurrentActor, session: ReadSession, today: ShopToday
) -> Envelope[CurrentRate]:
    row = service.current(session, today)
    return ok(
        CurrentRate(
            **CurrencyRateRead.model_validate(row).model_dump(),
            today=today,
            is_today=row.day == today,
        )
    )
