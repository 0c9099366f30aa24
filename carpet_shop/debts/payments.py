"""Payments toward a debt: atomic against concurrent payments, safe to retry with a key."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.errors import Conflict, NotFound, PaymentExceedsRemaining
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.debts.models import Debt, Payment
from carpet_shop.debts.repository import DebtRepository, PaymentRepository
from carpet_shop.debts.schemas import PaymentCreate

ENTITY = "debt_payment"


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    debt: Debt
    # True when an Idempotency-Key matched an earlier payment: nothing new was recorded.
    replayed: bool = False


def _visible_debt(session: Session, scope: BranchScope, debt_id: uuid.UUID) -> Debt:
    debt = DebtRepository(session).get(debt_id)
    if debt is None:
        raise NotFound.of("Debt", debt_id)
    scope.check(debt.branch_id)
    return debt


def _replay(existing: Payment, debt: Debt, data: PaymentCreate) -> PaymentOutcome:
    same = (existing.amount, existing.payment_type, existing.note) == (
        data.amount,
        data.payment_type,
        data.note,
    )
    if not same:
        raise Conflict(
            "This Idempotency-Key was used for a different payment",
            details={"payment_id": str(existing.id)},
        )
    return PaymentOutcome(existing, debt, replayed=True)


def record_payment(
    session: Session,
    actor: Actor,
    clock: Clock,
    debt_id: uuid.UUID,
    data: PaymentCreate,
    *,
    idempotency_key: str | None = None,
    tz: ZoneInfo,
) -> PaymentOutcome:
    debts, payments = DebtRepository(session), PaymentRepository(session)
    debt = _visible_debt(session, actor.scope(), debt_id)
    if idempotency_key is not None:
        # Serialise retries of one debt so the second sees the first's payment. The lock is
        # only for the key lookup; the conditional UPDATE below still guards the amount.
        debts.lock(debt.id)
        existing = payments.by_key(debt.id, idempotency_key)
        if existing is not None:
            return _replay(existing, debt, data)
    today, now = shop_today(clock, tz), clock.now()
    if not debts.pay(debt.id, data.amount, today, now):
        debts.refresh(debt)
        raise PaymentExceedsRemaining(
            Message(
                "The payment of {amount} is more than the {remaining_amount} still owed",
                amount=data.amount,
                remaining_amount=debt.remaining_amount,
            ),
            details={
                "remaining_amount": str(debt.remaining_amount),
                "amount": str(data.amount),
            },
        )
    debts.refresh(debt)
    payment = payments.add(
        Payment(
            debt_id=debt.id,
            amount=data.amount,
            payment_type=data.payment_type,
            note=data.note,
            payment_date=now,
            recorded_by=actor.id,
            idempotency_key=idempotency_key,
            created_at=now,
        )
    )
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        ENTITY,
        payment.id,
        {
            "debt_id": {"old": None, "new": str(debt.id)},
            "amount": {"old": None, "new": str(data.amount)},
            "payment_type": {"old": None, "new": data.payment_type.value},
            "remaining_amount": {
                "old": str(debt.remaining_amount + data.amount),
                "new": str(debt.remaining_amount),
            },
        },
    )
    return PaymentOutcome(payment, debt)


def list_payments(
    session: Session, scope: BranchScope, debt_id: uuid.UUID, page: PageParams
) -> tuple[Sequence[Payment], int]:
    debt = _visible_debt(session, scope, debt_id)
    repo = PaymentRepository(session)
    return repo.paginate(repo.of_debt(debt.id), page)
