"""A supplier's money (director): balance, statement and card. The suppliers' own CRUD
routes live in suppliers/router.py; these share its prefix."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.sessions import ReadSession, SessionRoute
from carpet_shop.debts.dependencies import ShopToday
from carpet_shop.payables import service
from carpet_shop.payables.schemas import SupplierBalance, SupplierCard, SupplierStatement

router = APIRouter(prefix="/api/suppliers", tags=["payables"], route_class=SessionRoute)


@router.get(
    "/{supplier_id}/balance",
    response_model=Envelope[SupplierBalance],
    responses=errors(*AUTHED, 403, 404),
    summary="What the shop owes this supplier, per currency, and how much of it is overdue",
)
def supplier_balance(
    supplier_id: uuid.UUID, actor: AdminActor, session: ReadSession, today: ShopToday
) -> Envelope[SupplierBalance]:
    return ok(service.supplier_balance(session, supplier_id, today))


@router.get(
    "/{supplier_id}/statement",
    response_model=Envelope[SupplierStatement],
    responses=errors(*AUTHED, 403, 404),
    summary="Receipts on credit and payments with the running balance, per currency",
)
def supplier_statement(
    supplier_id: uuid.UUID,
    actor: AdminActor,
    session: ReadSession,
    settings: AppSettings,
    today: ShopToday,
    date_from: Annotated[ShopDay | None, Query(description="First shop day (default: all)")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last shop day (default: today)")] = None,
) -> Envelope[SupplierStatement]:
    last = date_to or today
    return ok(service.supplier_statement(session, supplier_id, date_from, last, tz=settings.tz))


@router.get(
    "/{supplier_id}/card",
    response_model=Envelope[SupplierCard],
    responses=errors(*AUTHED, 403, 404),
    summary="The supplier with recent orders, receipts and payments, and the balance",
)
def supplier_card(
    supplier_id: uuid.UUID, actor: AdminActor, session: ReadSession, today: ShopToday
) -> Envelope[SupplierCard]:
    return ok(service.supplier_card(session, supplier_id, today))
