"""The director's payables: what the shop owes suppliers, and paying it. A seller gets 403."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.core.dependencies import AppClock, AppSettings, PaymentIdempotencyKey
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.debts.dependencies import ShopToday
from carpet_shop.payables import service
from carpet_shop.payables.dependencies import PayableQuery
from carpet_shop.payables.schemas import (
    PayableDetail,
    PayableRead,
    SupplierPaymentCreate,
    SupplierPaymentReceipt,
)

router = APIRouter(prefix="/api/payables", tags=["payables"], route_class=SessionRoute)


@router.get(
    "",
    response_model=ListEnvelope[PayableRead],
    responses=errors(*AUTHED, 403),
    summary="What the shop owes suppliers, by due date (director)",
)
def list_payables(
    actor: AdminActor, session: ReadSession, page: Page, filters: PayableQuery, today: ShopToday
) -> ListEnvelope[PayableRead]:
    rows, total = service.list_payables(session, filters, page, today)
    return page_of(rows, page, total)


@router.get(
    "/{payable_id}",
    response_model=Envelope[PayableDetail],
    responses=errors(*AUTHED, 403, 404),
    summary="A payable with its payments (director)",
)
def read_payable(
    payable_id: uuid.UUID, actor: AdminActor, session: ReadSession, today: ShopToday
) -> Envelope[PayableDetail]:
    return ok(service.get_payable(session, payable_id, today))


@router.post(
    "/{payable_id}/payments",
    response_model=Envelope[SupplierPaymentReceipt],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED,
        403,
        404,
        409,
        s422="VALIDATION_ERROR (no dollar rate for a payment in the other currency), or "
        "PAYMENT_EXCEEDS_REMAINING when more than is still owed",
        s409="CONFLICT: the Idempotency-Key was used for a different payment",
    ),
    summary="Pay a supplier toward a payable, in so'm or dollars; more than remains is refused",
)
def record_payment(
    payable_id: uuid.UUID,
    body: SupplierPaymentCreate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    today: ShopToday,
    idempotency_key: PaymentIdempotencyKey = None,
) -> Envelope[SupplierPaymentReceipt]:
    outcome = service.record_payment(
        session, actor, clock, payable_id, body, idempotency_key=idempotency_key, tz=settings.tz
    )
    (payable,) = service.read_all(session, [outcome.payable], today)
    message = "Payment already recorded" if outcome.replayed else "Payment recorded"
    return ok(SupplierPaymentReceipt.of(outcome.payment, payable), message)
