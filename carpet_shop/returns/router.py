from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.periods import Period, resolve
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.returns import service
from carpet_shop.returns.models import ReturnStatus
from carpet_shop.returns.schemas import ReturnCreate, ReturnDecision, ReturnItemRead, ReturnRead

router = APIRouter(prefix="/api/returns", tags=["returns"], route_class=SessionRoute)


def _read(view: service.ReturnView) -> ReturnRead:
    ret = view.sale_return
    items = [
        ReturnItemRead(
            id=item.id,
            sale_item_id=item.sale_item_id,
            product_id=item.product_id,
            product_name=name,
            quantity=item.quantity,
            refund_amount=item.refund_amount,
        )
        for item, name in view.items
    ]
    single = items[0] if len(items) == 1 else None
    return ReturnRead(
        id=ret.id,
        sale_id=ret.sale_id,
        receipt_number=view.receipt_number,
        branch_id=ret.branch_id,
        status=ret.status,
        reason=ret.reason,
        reason_note=ret.reason_note,
        refund_amount=ret.refund_amount,
        debt_reduced=ret.debt_reduced,
        cash_refund=ret.cash_refund,
        created_by_id=ret.created_by_id,
        approved_by_id=ret.approved_by_id,
        decided_at=ret.decided_at,
        decision_note=ret.decision_note,
        created_at=ret.created_at,
        updated_at=ret.updated_at,
        product_id=single.product_id if single else None,
        quantity=single.quantity if single else None,
        items=items,
    )


@router.post(
    "",
    response_model=Envelope[ReturnRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 404),
    summary="Ask to return items of a sale (seller of its branch, or admin); starts PENDING",
)
def create_return(
    body: ReturnCreate, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[ReturnRead]:
    return ok(_read(service.create_return(session, actor, clock, body)), "Return requested")


@router.get(
    "",
    response_model=ListEnvelope[ReturnRead],
    responses=errors(*AUTHED, 403),
    summary="Returns, newest first; a seller gets their branch's",
)
def list_returns(
    scope: Scope,
    session: ReadSession,
    clock: AppClock,
    settings: AppSettings,
    page: Page,
    status: ReturnStatus | None = None,
    sale_id: uuid.UUID | None = None,
    period: Annotated[Period | None, Query(description="When requested")] = None,
    date_from: Annotated[ShopDay | None, Query(description="First shop day, inclusive")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last shop day, inclusive")] = None,
) -> ListEnvelope[ReturnRead]:
    window = resolve(period, date_from, date_to, clock, settings.tz)
    views, total = service.list_returns(
        session, scope, page, status=status, sale_id=sale_id, window=window
    )
    return page_of([_read(v) for v in views], page, total)


@router.get(
    "/{return_id}", response_model=Envelope[ReturnRead], responses=errors(*AUTHED, 403, 404)
)
def read_return(
    return_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Envelope[ReturnRead]:
    return ok(_read(service.read_return(session, actor.scope(), return_id)))


@router.put(
    "/{return_id}/approve",
    response_model=Envelope[ReturnRead],
    responses=errors(*AUTHED, 403, 404, 409),
    summary="Approve (admin): stock back, refund recorded (a credit sale's debt reduced "
    "first, the rest refunded), commission lowered",
)
def approve_return(
    return_id: uuid.UUID,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    body: ReturnDecision | None = None,
) -> Envelope[ReturnRead]:
    note = body.note if body else None
    view = service.approve_return(session, actor, clock, return_id, settings.tz, note)
    return ok(_read(view), "Return approved")


@router.put(
    "/{return_id}/reject",
    response_model=Envelope[ReturnRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def reject_return(
    return_id: uuid.UUID,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    body: ReturnDecision | None = None,
) -> Envelope[ReturnRead]:
    note = body.note if body else None
    return ok(
        _read(service.reject_return(session, actor, clock, return_id, note)), "Return rejected"
    )
