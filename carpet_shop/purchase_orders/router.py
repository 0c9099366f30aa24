from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor, ProductEditor, Scope
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.periods import Period, resolve
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.purchase_orders import service
from carpet_shop.purchase_orders.models import PurchaseOrderStatus
from carpet_shop.purchase_orders.schemas import (
    ExpectedOrderRead,
    OrderCreate,
    OrderRead,
    OrderUpdate,
)

router = APIRouter(
    prefix="/api/purchase-orders", tags=["purchase-orders"], route_class=SessionRoute
)

STATUS_409 = "CONFLICT: the order's status does not allow it (details.status)"


@router.post(
    "",
    response_model=Envelope[OrderRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403),
    summary="A draft purchase order, numbered PO-000123 (admin)",
)
def create_order(
    body: OrderCreate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[OrderRead]:
    return ok(
        OrderRead.of(service.create_order(session, actor, clock, body)), "Purchase order created"
    )


@router.get(
    "",
    response_model=ListEnvelope[OrderRead],
    responses=errors(*AUTHED, 403),
    summary="Purchase orders, newest first (admin)",
)
def list_orders(
    actor: AdminActor,
    scope: Scope,
    session: ReadSession,
    clock: AppClock,
    settings: AppSettings,
    page: Page,
    status: PurchaseOrderStatus | None = None,
    supplier_id: uuid.UUID | None = None,
    period: Annotated[Period | None, Query(description="When created")] = None,
    date_from: Annotated[ShopDay | None, Query(description="First shop day, inclusive")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last shop day, inclusive")] = None,
) -> ListEnvelope[OrderRead]:
    window = resolve(period, date_from, date_to, clock, settings.tz)
    rows, total = service.list_orders(
        session, scope, page, status=status, supplier_id=supplier_id, window=window
    )
    return page_of([OrderRead.of(o) for o in rows], page, total)


@router.get(
    "/expected",
    response_model=ListEnvelope[ExpectedOrderRead],
    responses=errors(*AUTHED, 403),
    summary="Orders still waiting for goods, without prices (admin, or a seller who adds"
    " products: their branch's)",
    description="What a branch taking goods in needs for `POST /api/goods-receipts`: the"
    " order, its supplier and what remains of each line. Soonest expected first.",
)
def expected_orders(
    actor: ProductEditor, scope: Scope, session: ReadSession, page: Page
) -> ListEnvelope[ExpectedOrderRead]:
    rows, total = service.expected_orders(session, scope, page)
    return page_of(rows, page, total)


@router.get(
    "/{order_id}",
    response_model=Envelope[OrderRead],
    responses=errors(*AUTHED, 403, 404),
    summary="A purchase order with each line's received quantity and what remains (admin)",
)
def read_order(order_id: uuid.UUID, actor: AdminActor, session: ReadSession) -> Envelope[OrderRead]:
    return ok(OrderRead.of(service.read_order(session, actor.scope(), order_id)))


@router.put(
    "/{order_id}",
    response_model=Envelope[OrderRead],
    responses=errors(*AUTHED, 403, 404, s409=STATUS_409),
    summary="Edit a draft (admin); `lines` replaces them all",
)
def update_order(
    order_id: uuid.UUID,
    body: OrderUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[OrderRead]:
    order = service.update_order(session, actor, clock, order_id, body)
    return ok(OrderRead.of(order), "Purchase order updated")


@router.post(
    "/{order_id}/order",
    response_model=Envelope[OrderRead],
    responses=errors(*AUTHED, 403, 404, s409=STATUS_409),
    summary="Place a draft with the supplier: draft → ordered (admin)",
)
def place_order(
    order_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[OrderRead]:
    order = service.place_order(session, actor, clock, order_id)
    return ok(OrderRead.of(order), "Purchase order placed")


@router.post(
    "/{order_id}/cancel",
    response_model=Envelope[OrderRead],
    responses=errors(*AUTHED, 403, 404, s409=STATUS_409),
    summary="Cancel a draft, or an order nothing was received for (admin)",
)
def cancel_order(
    order_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[OrderRead]:
    order = service.cancel_order(session, actor, clock, order_id)
    return ok(OrderRead.of(order), "Purchase order cancelled")
