from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, ProductEditor, Scope
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.periods import Period, resolve
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.goods_receipts import service
from carpet_shop.goods_receipts.schemas import (
    CostsIn,
    PurchaseSettingsRead,
    PurchaseSettingsUpdate,
    ReceiptCreate,
    ReceiptRead,
    ReceiptSellerRead,
    read_for,
)

router = APIRouter(prefix="/api/goods-receipts", tags=["goods-receipts"], route_class=SessionRoute)


@router.get(
    "/settings",
    response_model=Envelope[PurchaseSettingsRead],
    responses=errors(*AUTHED, 403),
    summary="The cost rule receipts follow (admin); weighted_average until chosen",
)
def read_settings(actor: AdminActor, session: ReadSession) -> Envelope[PurchaseSettingsRead]:
    return ok(PurchaseSettingsRead(cost_rule=service.cost_rule(session)))


@router.put(
    "/settings",
    response_model=Envelope[PurchaseSettingsRead],
    responses=errors(*AUTHED, 403),
    summary="Choose the cost rule: last_price or weighted_average (admin)",
)
def update_settings(
    body: PurchaseSettingsUpdate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[PurchaseSettingsRead]:
    rule = service.set_cost_rule(session, actor, clock, body.cost_rule)
    return ok(PurchaseSettingsRead(cost_rule=rule), "Purchase settings saved")


@router.post(
    "",
    response_model=Envelope[ReceiptRead | ReceiptSellerRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED,
        403,
        s409="CONFLICT: more than the order still expects (details.reason over_receipt),"
        " or the order is not open for receipts",
    ),
    summary="Goods came in (GR-000123): stock through the ledger, cost by the shop's rule",
)
def create_receipt(
    body: ReceiptCreate,
    actor: ProductEditor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
) -> Envelope[ReceiptRead | ReceiptSellerRead]:
    receipt = service.create_receipt(session, actor, clock, body, tz=settings.tz)
    return ok(read_for(receipt, director=actor.is_admin), "Goods received")


@router.get(
    "",
    response_model=ListEnvelope[ReceiptRead | ReceiptSellerRead],
    responses=errors(*AUTHED, 403),
    summary="Goods receipts, newest first; a seller gets their branch's, without prices",
)
def list_receipts(
    actor: CurrentActor,
    scope: Scope,
    session: ReadSession,
    clock: AppClock,
    settings: AppSettings,
    page: Page,
    supplier_id: uuid.UUID | None = None,
    purchase_order_id: uuid.UUID | None = None,
    period: Annotated[Period | None, Query(description="When received")] = None,
    date_from: Annotated[ShopDay | None, Query(description="First shop day, inclusive")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last shop day, inclusive")] = None,
) -> ListEnvelope[ReceiptRead | ReceiptSellerRead]:
    window = resolve(period, date_from, date_to, clock, settings.tz)
    rows, total = service.list_receipts(
        session,
        scope,
        page,
        supplier_id=supplier_id,
        purchase_order_id=purchase_order_id,
        window=window,
    )
    return page_of([read_for(r, director=actor.is_admin) for r in rows], page, total)


@router.get(
    "/{receipt_id}",
    response_model=Envelope[ReceiptRead | ReceiptSellerRead],
    responses=errors(*AUTHED, 403, 404),
)
def read_receipt(
    receipt_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Envelope[ReceiptRead | ReceiptSellerRead]:
    receipt = service.read_receipt(session, actor.scope(), receipt_id)
    return ok(read_for(receipt, director=actor.is_admin))


@router.post(
    "/{receipt_id}/costs",
    response_model=Envelope[ReceiptRead],
    responses=errors(*AUTHED, 403, 404, s409="CONFLICT: the receipt has its costs already"),
    summary="Price a seller's receipt (admin): each line sets its size's buy price by the rule",
)
def set_costs(
    receipt_id: uuid.UUID,
    body: CostsIn,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[ReceiptRead]:
    receipt = service.set_costs(session, actor, clock, receipt_id, body)
    return ok(ReceiptRead.of(receipt), "Costs set")
