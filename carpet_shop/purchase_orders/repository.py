from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.engine import CursorResult

from carpet_shop.catalog.models import Product
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScopedMixin, Repository
from carpet_shop.purchase_orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from carpet_shop.suppliers.models import Supplier

EXPECTING = (PurchaseOrderStatus.ORDERED, PurchaseOrderStatus.PARTIALLY_RECEIVED)


class PurchaseOrderRepository(BranchScopedMixin, Repository[PurchaseOrder]):
    model = PurchaseOrder
    branch_column = PurchaseOrder.branch_id

    def listing(
        self,
        *,
        status: PurchaseOrderStatus | None,
        supplier_id: uuid.UUID | None,
        branch_id: uuid.UUID | None,
        window: Window | None,
    ) -> Select[PurchaseOrder]:
        stmt = select(PurchaseOrder)
        if status is not None:
            stmt = stmt.where(PurchaseOrder.status == status)
        if supplier_id is not None:
            stmt = stmt.where(PurchaseOrder.supplier_id == supplier_id)
        if branch_id is not None:
            stmt = stmt.where(PurchaseOrder.branch_id == branch_id)
        if window is not None:
            stmt = stmt.where(
                PurchaseOrder.created_at >= window.start, PurchaseOrder.created_at < window.end
            )
        return stmt.order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id)

    def expected(self) -> Select[PurchaseOrder]:
        """Orders still waiting for goods, the soonest expected first."""
        return (
            select(PurchaseOrder)
            .where(PurchaseOrder.status.in_(EXPECTING))
            .order_by(
                PurchaseOrder.expected_date.is_(None),
                PurchaseOrder.expected_date,
                PurchaseOrder.created_at,
                PurchaseOrder.id,
            )
        )

    def names(self, orders: Sequence[PurchaseOrder]) -> tuple[dict[Any, str], dict[Any, str]]:
        """The suppliers' and the products' names of these orders, by id."""
        suppliers = {o.supplier_id for o in orders}
        products = {line.product_id for o in orders for line in o.lines}
        supplier_names = self.session.execute(
            select(Supplier.id, Supplier.name).where(Supplier.id.in_(suppliers))
        )
        product_names = self.session.execute(
            select(Product.id, Product.name).where(Product.id.in_(products))
        )
        return dict(supplier_names.all()), dict(product_names.all())

    def received_quantity(self, line_id: uuid.UUID) -> Decimal:
        """What a line has received so far, as committed (the refused receipt's answer)."""
        found = self.session.scalar(
            select(PurchaseOrderLine.received_quantity).where(PurchaseOrderLine.id == line_id)
        )
        return found if found is not None else Decimal(0)

    def lock(self, order_id: uuid.UUID) -> PurchaseOrder | None:
        """The order, its row held until the transaction ends (PostgreSQL; SQLite's write
        transaction already excludes other writers), read afresh with its lines."""
        stmt = (
            select(PurchaseOrder)
            .where(PurchaseOrder.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        order = self.session.scalar(stmt)
        if order is not None:
            self.session.refresh(order, ["lines"])
        return order

    def set_status(
        self, order: PurchaseOrder, allowed: tuple[PurchaseOrderStatus, ...], **values: object
    ) -> bool:
        """Move the order to values["status"] when it is still in one of `allowed`: one
        conditional UPDATE, so of two concurrent requests only one matches."""
        result = self.session.execute(
            update(PurchaseOrder)
            .where(PurchaseOrder.id == order.id, PurchaseOrder.status.in_(allowed))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount != 1:
            return False
        for name, value in values.items():
            setattr(order, name, value)
        return True

    def receive_line(self, line_id: uuid.UUID, quantity: Decimal, *, allow_over: bool) -> bool:
        """Add `quantity` to a line's received quantity in one conditional UPDATE: unless
        `allow_over`, only while it stays within what was ordered. Two receipts racing for
        the last pieces cannot both match (PostgreSQL re-checks the WHERE after the first
        commits; SQLite serialises writers)."""
        stmt = update(PurchaseOrderLine).where(PurchaseOrderLine.id == line_id)
        if not allow_over:
            stmt = stmt.where(
                PurchaseOrderLine.received_quantity + quantity <= PurchaseOrderLine.quantity
            )
        result = self.session.execute(
            stmt.values(
                received_quantity=PurchaseOrderLine.received_quantity + quantity
            ).execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1
