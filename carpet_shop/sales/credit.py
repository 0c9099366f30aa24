"""A sale's customer and its credit (nasiya) part: checked before anything is written,
registered and opened after the stock is taken, all in the sale's transaction.

The split matters: a sale refused for stock (or anything else) must leave nothing behind,
so the checks here only read; the customer is registered (`find_or_create`) and the debt
opened only once the stock is taken, and the sale's rollback takes both back on any later
failure.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.customers import service as customers_service
from carpet_shop.customers.models import Customer
from carpet_shop.debts import service as debts_service
from carpet_shop.sales import payments as sale_payments
from carpet_shop.sales.models import Sale
from carpet_shop.sales.schemas import SaleCreate, SaleDebtRead


@dataclass(frozen=True)
class Terms:
    """Who buys and what they owe, as checked from the body."""

    customer: customers_service.CustomerRef
    credit: sale_payments.Credit | None


def terms_of(
    session: Session,
    clock: Clock,
    body: SaleCreate,
    payments: Sequence[sale_payments.PaymentLine],
    total: Decimal,
    *,
    tz: ZoneInfo,
) -> Terms:
    """Check the payments, the credit's deadline and the customer; writes nothing.

    A credit sale needs a customer the debt can belong to: `customer_id`, or
    `customer_name` and `customer_phone` (422 naming what is missing).
    """
    credit = sale_payments.check(payments, total, body.debt_deadline)
    if credit is not None:
        debts_service.check_sale_deadline(clock, credit.deadline, tz=tz)
    customer = customers_service.reference(
        session,
        body.customer_id,
        body.customer_name,
        body.customer_phone,
        required=credit is not None,
    )
    return Terms(customer, credit)


def register_customer(
    session: Session, actor: Actor, clock: Clock, terms: Terms
) -> Customer | None:
    """The sale's customer, registered if new (call after the stock is taken)."""
    return customers_service.resolve(session, actor, clock, terms.customer)


def open_debt(
    session: Session,
    actor: Actor,
    clock: Clock,
    sale: Sale,
    customer: Customer | None,
    terms: Terms,
    *,
    tz: ZoneInfo,
) -> SaleDebtRead | None:
    """The credit sale's debt (after the sale is flushed), as the sale's card shows it."""
    if terms.credit is None:
        return None
    assert customer is not None  # terms_of required one for a credit sale
    debt = debts_service.create_for_sale(
        session, actor, clock, sale, customer, terms.credit.amount, terms.credit.deadline, tz=tz
    )
    # Just opened with a deadline after today: its stored status is the true one.
    return SaleDebtRead.model_validate(debt)


def debt_views(
    session: Session, sale_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, SaleDebtRead]:
    """The debts of those of these sales that have one, as of `today` (one query)."""
    return {
        sale_id: SaleDebtRead.model_validate(debt)
        for sale_id, debt in debts_service.debts_of_sales(session, sale_ids, today).items()
    }
