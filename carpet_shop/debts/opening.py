"""Opening a debt: the one insert path, shared by manual debts and credit sales."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.customers.models import Customer
from carpet_shop.debts import status as st
from carpet_shop.debts.models import Debt
from carpet_shop.debts.repository import DebtRepository

ENTITY = "debt"
AUDITED_FIELDS = (
    "customer_id",
    "branch_id",
    "seller_id",
    "sale_id",
    "total_amount",
    "remaining_amount",
    "returned_amount",
    "payment_deadline",
    "note",
)
ZERO = Decimal("0")


def check_deadline(deadline: date, today: date, field: str = "payment_deadline") -> None:
    if deadline <= today:
        raise ValidationFailed.field(
            field,
            Message(
                "The deadline must be after today ({today}, shop time)", today=today.isoformat()
            ),
        )


def open_debt(
    session: Session,
    actor: Actor,
    clock: Clock,
    *,
    customer: Customer,
    branch_id: uuid.UUID,
    seller_id: uuid.UUID,
    sale_id: uuid.UUID | None,
    amount: Decimal,
    deadline: date,
    note: str | None,
    today: date,
) -> Debt:
    """Insert and audit a debt; every check was made by the caller."""
    now = clock.now()
    debt = DebtRepository(session).add(
        Debt(
            customer_id=customer.id,
            customer=customer,
            branch_id=branch_id,
            seller_id=seller_id,
            created_by_id=actor.id,
            sale_id=sale_id,
            total_amount=amount,
            remaining_amount=amount,
            returned_amount=ZERO,
            payment_deadline=deadline,
            status=st.status_of(amount, deadline, today),
            note=note,
            created_at=now,
            updated_at=now,
        )
    )
    audit.log_created(session, actor, clock, ENTITY, debt, AUDITED_FIELDS)
    return debt
