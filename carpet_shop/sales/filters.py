"""The filters shared by the sales list and the sales analytics, so both count the same sales."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

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
class SaleFilters:
    scope: BranchScope
    window: Window | None = None
    seller_id: uuid.UUID | None = None
    payment_type: PaymentType | None = None
    product_id: uuid.UUID | None = None
    customer_phone: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE conditions on `sales` (branch scope included)."""
        conds: list[ColumnElement[bool]] = []
        branch_id = self.scope.list_branch_id
        if branch_id is not None:
            conds.append(Sale.branch_id == branch_id)
        if self.window is not None:
            conds.append(Sale.date >= self.window.start)
            conds.append(Sale.date < self.window.end)
        if self.seller_id is not None:
            conds.append(Sale.seller_id == self.seller_id)
        if self.customer_phone is not None:
            # Canonical on both sides: sales store the phone as +998XXXXXXXXX.
            conds.append(Sale.customer_phone == self.customer_phone)
        if self.payment_type is not None:
            conds.append(
                exists(
                    select(SalePayment.id).where(
                        SalePayment.sale_id == Sale.id,
                        SalePayment.payment_type == self.payment_type,
                    )
                )
            )
        if self.product_id is not None:
            conds.append(
                exists(
                    select(SaleItem.id).where(
                        SaleItem.sale_id == Sale.id, SaleItem.product_id == self.product_id
                    )
                )
            )
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
