from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from carpet_shop.catalog.text import like_contains
from carpet_shop.core import like
from carpet_shop.core.repository import SoftDeleteRepository
from carpet_shop.currency.models import Currency
from carpet_shop.customers.phone import phone_digits
from carpet_shop.payables.models import Payable
from carpet_shop.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from carpet_shop.suppliers.models import Supplier

# Orders the supplier is still to deliver: deleting them would hide goods on their way.
_OPEN_ORDERS = (PurchaseOrderStatus.ORDERED, PurchaseOrderStatus.PARTIALLY_RECEIVED)


@dataclass(frozen=True)
class SupplierFilters:
    q: str | None = None
    country: str | None = None
    currency: Currency | None = None
    include_deleted: bool = False


def name_or_phone_matches(q: str) -> ColumnElement[bool]:
    """The catalog's name rule (case, Unicode forms and apostrophe variants set aside) on
    `search_name`; digits anywhere in the phone, so `212 555` finds +902125550102."""
    conditions: list[ColumnElement[bool]] = [
        Supplier.search_name.like(like_contains(q), escape=like.ESCAPE)
    ]
    digits = phone_digits(q)
    if digits is not None:
        conditions.append(Supplier.phone.like(f"%{digits}%"))
    return or_(*conditions)


class SupplierRepository(SoftDeleteRepository[Supplier]):
    model = Supplier

    def phone_taken(self, phone: str, *, except_id: uuid.UUID | None = None) -> Supplier | None:
        stmt = self.statement().where(Supplier.phone == phone)
        if except_id is not None:
            stmt = stmt.where(Supplier.id != except_id)
        return self.session.scalar(stmt.limit(1))

    def change_unique(self, change: Callable[[], None]) -> bool:
        """Apply `change` (an insert or a new phone) and flush it inside a savepoint; False
        when the live-phone index refused it (a concurrent request took the number)."""
        try:
            with self.session.begin_nested():
                change()
        except IntegrityError:
            return False
        return True

    def search(self, filters: SupplierFilters) -> Select[Supplier]:
        stmt = self.statement(include_deleted=filters.include_deleted)
        if filters.q:
            stmt = stmt.where(name_or_phone_matches(filters.q))
        if filters.country:
            stmt = stmt.where(func.lower(Supplier.country) == filters.country.lower())
        if filters.currency is not None:
            stmt = stmt.where(Supplier.currency == filters.currency)
        return stmt.order_by(Supplier.search_name, Supplier.id)

    def has_open_business(self, supplier_id: uuid.UUID) -> bool:
        """A payable not paid off, or an order not yet (fully) received."""
        owed = exists().where(Payable.supplier_id == supplier_id, Payable.remaining_amount > 0)
        waiting = exists().where(
            PurchaseOrder.supplier_id == supplier_id, PurchaseOrder.status.in_(_OPEN_ORDERS)
        )
        return bool(self.session.scalar(select(or_(owed, waiting))))
