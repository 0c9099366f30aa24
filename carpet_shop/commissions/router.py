from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.commissions import service
from carpet_shop.commissions.models import CommissionStatus
from carpet_shop.commissions.schemas import CommissionRead
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.periods import Period, Window, resolve
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession

router = APIRouter(prefix="/api/commissions", tags=["commissions"], route_class=SessionRoute)


async def _period(
    clock: AppClock,
    settings: AppSettings,
    period: Annotated[
        Period | None, Query(description="today, week (from Monday), month, custom")
    ] = None,
    date_from: Annotated[ShopDay | None, Query(description="First shop day, inclusive")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last shop day, inclusive")] = None,
) -> Window | None:
    return resolve(period, date_from, date_to, clock, settings.tz)


PeriodWindow = Annotated[Window | None, Depends(_period)]


def _read(view: service.CommissionView) -> CommissionRead:
    fields = {
        name: getattr(view.commission, name)
        for name in CommissionRead.model_fields
        if name != "receipt_number"
    }
    return CommissionRead(receipt_number=view.receipt_number, **fields)


@router.get(
    "/my",
    response_model=ListEnvelope[CommissionRead],
    responses=errors(*AUTHED),
    summary="The caller's own commissions, newest first",
)
def my_commissions(
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    window: PeriodWindow,
    status: CommissionStatus | None = None,
) -> ListEnvelope[CommissionRead]:
    rows, total = service.list_my_commissions(session, actor, page, status=status, window=window)
    return page_of([_read(v) for v in rows], page, total)


@router.get(
    "",
    response_model=ListEnvelope[CommissionRead],
    responses=errors(*AUTHED, 403),
    summary="Every seller's commissions (admin), newest first",
)
def list_commissions(
    actor: AdminActor,
    scope: Scope,
    session: ReadSession,
    page: Page,
    window: PeriodWindow,
    seller_id: uuid.UUID | None = None,
    status: CommissionStatus | None = None,
) -> ListEnvelope[CommissionRead]:
    rows, total = service.list_commissions(
        session, scope, page, seller_id=seller_id, status=status, window=window
    )
    return page_of([_read(v) for v in rows], page, total)


@router.put(
    "/{commission_id}/mark-paid",
    response_model=Envelope[CommissionRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def mark_paid(
    commission_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[CommissionRead]:
    return ok(_read(service.mark_paid(session, actor, clock, commission_id)), "Commission paid")
