from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from carpet_shop.auth.dependencies import CurrentActor, Scope
from carpet_shop.core.dependencies import AppClock, AppSettings, PaymentIdempotencyKey
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.debts import service
from carpet_shop.debts.dependencies import DebtQuery, ShopToday
from carpet_shop.debts.schemas import (
    DebtCreate,
    DebtRead,
    DebtSummary,
    DebtUpdate,
    PaymentCreate,
    PaymentRead,
    PaymentReceipt,
)

router = APIRouter(prefix="/api/debts", tags=["debts"], route_class=SessionRoute)


@router.get(
    "/summary",
    response_model=Envelope[DebtSummary],
    responses=errors(*AUTHED, 403),
    summary="Outstanding, overdue and due this week, in total and per branch",
)
def debts_summary(
    scope: Scope, session: ReadSession, clock: AppClock, settings: AppSettings
) -> Envelope[DebtSummary]:
    return ok(service.summary(session, scope, clock, tz=settings.tz))


@router.get(
    "",
    response_model=ListEnvelope[DebtRead],
    responses=errors(*AUTHED, 403),
    summary="Debts by deadline; a seller gets their branch's only",
)
def list_debts(
    scope: Scope, session: ReadSession, page: Page, filters: DebtQuery, today: ShopToday
) -> ListEnvelope[DebtRead]:
    rows, total = service.list_debts(session, scope, filters, page, today)
    return page_of([DebtRead.of(d, today) for d in rows], page, total)


@router.post(
    "",
    response_model=Envelope[DebtRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
)
def create_debt(
    body: DebtCreate,
    actor: CurrentActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    today: ShopToday,
) -> Envelope[DebtRead]:
    debt = service.create_debt(session, actor, clock, body, tz=settings.tz)
    return ok(DebtRead.of(debt, today), "Debt created")


@router.get("/{debt_id}", response_model=Envelope[DebtRead], responses=errors(*AUTHED, 403, 404))
def read_debt(
    debt_id: uuid.UUID, actor: CurrentActor, session: ReadSession, today: ShopToday
) -> Envelope[DebtRead]:
    return ok(DebtRead.of(service.get_debt(session, actor.scope(), debt_id), today))


@router.put(
    "/{debt_id}", response_model=Envelope[DebtRead], responses=errors(*AUTHED, 403, 404, 409)
)
def update_debt(
    debt_id: uuid.UUID,
    body: DebtUpdate,
    actor: CurrentActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    today: ShopToday,
) -> Envelope[DebtRead]:
    debt = service.update_debt(session, actor, clock, debt_id, body, tz=settings.tz)
    return ok(DebtRead.of(debt, today), "Debt updated")


@router.post(
    "/{debt_id}/payments",
    response_model=Envelope[PaymentReceipt],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED,
        403,
        404,
        409,
        s422="VALIDATION_ERROR, or PAYMENT_EXCEEDS_REMAINING when more than is still owed",
        s409="CONFLICT: the Idempotency-Key was used for a different payment",
    ),
    summary="Record a payment; more than what remains is refused",
)
def record_payment(
    debt_id: uuid.UUID,
    body: PaymentCreate,
    actor: CurrentActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    today: ShopToday,
    idempotency_key: PaymentIdempotencyKey = None,
) -> Envelope[PaymentReceipt]:
    outcome = service.record_payment(
        session, actor, clock, debt_id, body, idempotency_key=idempotency_key, tz=settings.tz
    )
    message = "Payment already recorded" if outcome.replayed else "Payment recorded"
    return ok(PaymentReceipt.of(outcome.payment, outcome.debt, today), message)


@router.get(
    "/{debt_id}/payments",
    response_model=ListEnvelope[PaymentRead],
    responses=errors(*AUTHED, 403, 404),
    summary="Payment history, newest first",
)
def list_payments(
    debt_id: uuid.UUID, actor: CurrentActor, session: ReadSession, page: Page
) -> ListEnvelope[PaymentRead]:
    rows, total = service.list_payments(session, actor.scope(), debt_id, page)
    return page_of([PaymentRead.model_validate(p) for p in rows], page, total)
