"""The filters shared by the sales list and the sales analytics, so both count the same sales."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, exists, select

from carpet_shop.auth.dependencies import Scope
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.periods import Period, Window, resolve
from carpet_shop.core.repository import BranchScope
from carpet_shop.customers.phone import UzPhone
from carpet_shop.sales.models import PaymentType, Sale, SaleItem, SalePayment


@dataclass(frozen=True)
class SaleFilter:
    """One way to narrow the sales, declared once: `name` is its query parameter (of the
    sales list and the analytics, `sale_filters` below), its `SaleFilters` field, and `sql`
    its condition on `sales`. The daily rollups know only branches and days, so a filter
    given sends the analytics to the receipts (`analytics.repository.RollupSource.usable`).

    tests/sales/test_filter_declarations.py holds these against the routes' parameters.
    """

    name: str
    sql: Callable[[Any], ColumnElement[bool]]


def _paid_by(payment_type: Any) -> ColumnElement[bool]:
    return exists(
        select(SalePayment.id).where(
            SalePayment.sale_id == Sale.id, SalePayment.payment_type == payment_type
        )
    )


def _has_product(product_id: Any) -> ColumnElement[bool]:
    return exists(
        select(SaleItem.id).where(SaleItem.sale_id == Sale.id, SaleItem.product_id == product_id)
    )


SALE_FILTERS: tuple[SaleFilter, ...] = (
    SaleFilter("seller_id", lambda v: Sale.seller_id == v),
    # Canonical on both sides: sales store the phone as +998XXXXXXXXX.
    SaleFilter("customer_phone", lambda v: Sale.customer_phone == v),
    SaleFilter("payment_type", _paid_by),
    SaleFilter("product_id", _has_product),
)


@dataclass(frozen=True)
class SaleFilters:
    scope: BranchScope
    window: Window | None = None
    seller_id: uuid.UUID | None = None
    payment_type: PaymentType | None = None
    product_id: uuid.UUID | None = None
    customer_phone: str | None = None

    def given(self) -> list[tuple[SaleFilter, Any]]:
        """The declared filters this asks for, with their values."""
        return [(f, value) for f in SALE_FILTERS if (value := getattr(self, f.name)) is not None]

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE conditions on `sales` (branch scope included)."""
        conds = self.scope.conditions_on(Sale.branch_id)
        if self.window is not None:
            conds.append(Sale.date >= self.window.start)
            conds.append(Sale.date < self.window.end)
        conds.extend(declared.sql(value) for declared, value in self.given())
        return conds


async def sale_filters(
    scope: Scope,
    clock: AppClock,
    settings: AppSettings,
    period: Annotated[
        Period | None, Query(description="today, week (from Monday), month, custom")
    ] = None,
    date_from: Annotated[
        ShopDay | None, Query(description="First shop day (custom), inclusive")
    ] = None,
    date_to: Annotated[
        ShopDay | None, Query(description="Last shop day (custom), inclusive")
    ] = None,
    seller_id: uuid.UUID | None = None,
    payment_type: PaymentType | None = None,
    product_id: uuid.UUID | None = None,
    customer_phone: Annotated[
        UzPhone | None, Query(description="Any spelling of the number (90 123 45 67, +998…)")
    ] = None,
) -> SaleFilters:
    return SaleFilters(
        scope=scope,
        window=resolve(period, date_from, date_to, clock, settings.tz),
        seller_id=seller_id,
        payment_type=payment_type,
        product_id=product_id,
        customer_phone=customer_phone,
    )


SaleQuery = Annotated[SaleFilters, Depends(sale_filters)]
