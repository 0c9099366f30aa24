"""What about a customer depends on their debts: the profile and whether they may be deleted.

Kept apart from `service.py` because the debts service uses the registry (find_or_create);
this module is the one place the registry looks back at debts.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict
from carpet_shop.core.repository import BranchScope
from carpet_shop.customers import service as customers_service
from carpet_shop.customers.schemas import (
    CustomerProfile,
    CustomerRead,
    CustomerTotals,
    PurchaseRead,
)
from carpet_shop.debts import service as debts_service
from carpet_shop.debts.schemas import DebtRead
from carpet_shop.sales import service as sales_service

RECENT_PURCHASES = 50
ZERO = Decimal("0")


def customer_profile(
    session: Session, scope: BranchScope, customer_id: uuid.UUID, today: date
) -> CustomerProfile:
    """The customer, with the debts and purchases `scope` may see (a seller: their branch)."""
    customer = customers_service.get_customer(session, customer_id)
    debts = [
        DebtRead.of(d, today) for d in debts_service.debts_of_customer(session, scope, customer.id)
    ]
    purchases, purchases_count = sales_service.sales_of_customer(
        session,
        scope,
        customer.id,
        customer.phone,
        also=debts_service.sale_ids_of_customer(session, customer.id),
        limit=RECENT_PURCHASES,
    )
    open_debts = [d for d in debts if d.remaining_amount > ZERO]
    return CustomerProfile(
        **CustomerRead.model_validate(customer).model_dump(),
        totals=CustomerTotals(
            outstanding_amount=sum((d.remaining_amount for d in open_debts), ZERO),
            overdue_amount=sum(
                (d.remaining_amount for d in open_debts if d.status == "overdue"), ZERO
            ),
            open_debts_count=len(open_debts),
        ),
        debts=debts,
        purchases=[PurchaseRead.model_validate(s) for s in purchases],
        purchases_count=purchases_count,
    )


def delete_customer(session: Session, actor: Actor, clock: Clock, customer_id: uuid.UUID) -> None:
    """Soft delete; refused while the customer still owes anything (409)."""
    customer = customers_service.get_customer(session, customer_id)
    if debts_service.customer_has_open_debts(session, customer.id):
        raise Conflict(
            "The customer still owes money; their debts must be settled first",
            details={"customer_id": str(customer.id)},
        )
    customers_service.soft_delete(session, actor, clock, customer)
