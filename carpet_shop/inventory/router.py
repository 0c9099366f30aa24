from __future__ import annotations

import uuid

from fastapi import APIRouter

from carpet_shop.auth.dependencies import CurrentActor, ProductEditor, Scope
from carpet_shop.catalog.dependencies import Views
from carpet_shop.catalog.schemas import AnyProductRead
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.inventory import service
from carpet_shop.inventory.models import MovementKind
from carpet_shop.inventory.schemas import AdjustRequest, AdjustResult, MovementRead

router = APIRouter(tags=["inventory"], route_class=SessionRoute)


@router.get(
    "/api/products/{product_id}/movements",
    response_model=ListEnvelope[MovementRead],
    responses=errors(*AUTHED, 403, 404),
    summary="The product's stock ledger, newest first",
)
def list_movements(
    product_id: uuid.UUID,
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    kind: MovementKind | None = None,
) -> ListEnvelope[MovementRead]:
    rows, total = service.list_movements(session, actor.scope(), product_id, page, kind)
    return page_of([MovementRead.model_validate(m) for m in rows], page, total)


@router.post(
    "/api/products/{product_id}/adjust",
    response_model=Envelope[AdjustResult],
    responses=errors(*AUTHED, 403, 404, 409),
    summary="Set the stock to what a count found (quantity, or remaining_length), with a reason",
)
def adjust_stock(
    product_id: uuid.UUID,
    body: AdjustRequest,
    actor: ProductEditor,
    session: WriteSession,
    clock: AppClock,
    views: Views,
) -> Envelope[AdjustResult]:
    product, movement = service.adjust(
        session, actor, clock, product_id, body, low_stock=views.defaults
    )
    return ok(
        AdjustResult(
            product=views.one(product),
            movement=MovementRead.model_validate(movement) if movement else None,
        ),
        "Stock adjusted" if movement else "Stock already matches the count",
    )


@router.get(
    "/api/inventory/low-stock",
    response_model=ListEnvelope[AnyProductRead],
    responses=errors(*AUTHED, 403),
    summary="Products at or below their low-stock threshold, emptiest first",
)
def low_stock(
    actor: CurrentActor, scope: Scope, session: ReadSession, views: Views, page: Page
) -> ListEnvelope[AnyProductRead]:
    rows, total = service.list_low_stock(session, scope, views.defaults, page)
    return page_of(views.many(rows), page, total)


@router.get(
    "/api/inventory/needs-count",
    response_model=ListEnvelope[AnyProductRead],
    responses=errors(*AUTHED, 403),
    summary="Products whose stock was put on one of several sizes: count them per size",
    description="The migration to stock per size (and a product created with one quantity "
    "for several sizes) puts the whole stock on the first size; a count per size "
    "(POST /api/products/{id}/adjust with `size`) by the director clears it.",
)
def needs_count(
    actor: CurrentActor, scope: Scope, session: ReadSession, views: Views, page: Page
) -> ListEnvelope[AnyProductRead]:
    rows, total = service.list_needs_count(session, scope, page)
    return page_of(views.many(rows), page, total)
