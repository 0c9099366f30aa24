"""The demo's suppliers and dollar rate (issue 21): a Samarkand factory selling in so'm and an
Istanbul wholesaler selling in dollars, and today's rate. Idempotent: a supplier is found by its
phone, and the rate is recorded only while none is in force.

The purchasing demo (an order partly received, a payable) takes its suppliers from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.currency import service as currency_service
from carpet_shop.currency.models import Currency
from carpet_shop.currency.repository import CurrencyRateRepository
from carpet_shop.currency.schemas import CurrencyRateCreate
from carpet_shop.suppliers import service as suppliers_service
from carpet_shop.suppliers.models import Supplier
from carpet_shop.suppliers.repository import SupplierRepository
from carpet_shop.suppliers.schemas import SupplierCreate

SUPPLIERS = [
    SupplierCreate(
        name="Samarqand Gilam Fabrikasi",
        phone="+998662330011",
        country="Uzbekistan",
        currency=Currency.UZS,
        note="Machine-made carpets; delivers to every branch",
    ),
    SupplierCreate(
        name="Istanbul Halı Toptan",
        phone="+902125550102",
        country="Turkey",
        currency=Currency.USD,
        note="Wholesaler; prices in US dollars, 30 days' credit",
    ),
]
DEMO_RATE = Decimal("12650.00")


@dataclass(frozen=True)
class DemoSuppliers:
    uzbek: Supplier
    turkish: Supplier


def seed_suppliers(session: Session, clock: Clock, admin: Actor, today: date) -> DemoSuppliers:
    repo = SupplierRepository(session)
    found = []
    for data in SUPPLIERS:
        assert data.phone is not None
        existing = repo.phone_taken(data.phone)
        found.append(existing or suppliers_service.create_supplier(session, admin, clock, data))
    if CurrencyRateRepository(session).rate_on(today) is None:
        currency_service.record_rate(
            session, admin, clock, CurrencyRateCreate(rate=DEMO_RATE), today
        )
    return DemoSuppliers(*found)
