"""What about a customer depends on their debts and sales: the profile and whether they may
be deleted.

The debts and sales services use the registry (find_or_create), so this module reads their
repositories, never their services: services do not call each other in a circle.
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
from carpet_shop.debts.repository import DebtRepository
from carpet_shop.debts.schemas import DebtRead
from carpet_shop.sales.repository import SaleRepository

RECENT_PURCHASES = 50
ZERO = Decimal("0")


def customer_profile(
    session: Session, scope: BranchScope, customer_id: uuid.UUID, today: date
) -> CustomerProfile:
    """The customer, with the debts and purchases `scope` may see (a seller: their branch)."""
    customer = customers_service.get_customer(session, customer_id)
    debt_repo = DebtRepository(session)
    debts = [DebtRead.of(d, today) for d in debt_repo.of_customer(customer.id, scope)]
    # A sale is theirs when it names them; older sales, recorded before sales named
    # customers, when they carry the customer's phone and name no one; and their debts' sales.
    purchases, purchases_count = SaleRepository(session).of_customer(
        customer.id,
        customer.phone,
        debt_repo.sale_ids_of_customer(customer.id),
        scope,
        RECENT_PURCHASES,
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
    if DebtRepository(session).customer_has_open_debts(customer.id):
        raise Conflict(
            "The customer still owes money; their debts must be settled first",
            details={"customer_id": str(customer.id)},
        )
    customers_service.soft_delete(session, actor, clock, customer)
