from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Row, Select, func, select, update

from carpet_shop.catalog.models import Product
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScope, BranchScopedMixin, Repository
from carpet_shop.returns.models import ReturnItem, ReturnStatus, SaleReturn
from carpet_shop.sales.models import Sale


class ReturnRepository(BranchScopedMixin, Repository[SaleReturn]):
    model = SaleReturn
    branch_column = SaleReturn.branch_id

    def search(
        self,
        scope: BranchScope,
        *,
        status: ReturnStatus | None,
        sale_id: uuid.UUID | None,
        window: Window | None,
    ) -> Select[SaleReturn]:
        stmt = self.readable(scope)
        if status is not None:
            stmt = stmt.where(SaleReturn.status == status)
        if sale_id is not None:
            stmt = stmt.where(SaleReturn.sale_id == sale_id)
        if window is not None:
            stmt = stmt.where(
                SaleReturn.created_at >= window.start, SaleReturn.created_at < window.end
            )
        return stmt.order_by(SaleReturn.created_at.desc(), SaleReturn.id.desc())

    def pending_by_item(self, sale_id: uuid.UUID) -> dict[uuid.UUID, Decimal]:
        """Quantities asked back per sale item by this sale's PENDING returns."""
        rows = self.session.execute(
            select(ReturnItem.sale_item_id, func.sum(ReturnItem.quantity).label("quantity"))
            .join(SaleReturn, SaleReturn.id == ReturnItem.return_id)
            .where(SaleReturn.sale_id == sale_id, SaleReturn.status == ReturnStatus.PENDING)
            .group_by(ReturnItem.sale_item_id)
        ).all()
        return {row.sale_item_id: Decimal(row.quantity) for row in rows}

    def items_with_products(
        self, return_ids: Sequence[uuid.UUID]
    ) -> Sequence[Row[ReturnItem, str]]:
        stmt = (
            select(ReturnItem, Product.name.label("product_name"))
            .join(Product, Product.id == ReturnItem.product_id)
            .where(ReturnItem.return_id.in_(return_ids))
            .order_by(ReturnItem.return_id, ReturnItem.position)
        )
        return self.session.execute(stmt).all()

    def receipt_numbers(self, sale_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        ids = set(sale_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(Sale.id, Sale.receipt_number).where(Sale.id.in_(ids))
        ).all()
        return {row.id: row.receipt_number for row in rows}

    def products(self, product_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Product]:
        rows = self.session.scalars(select(Product).where(Product.id.in_(set(product_ids))))
        return {p.id: p for p in rows}

    def decide(
        self,
        return_id: uuid.UUID,
        status: ReturnStatus,
        *,
        by: uuid.UUID,
        at: datetime,
        note: str | None,
    ) -> bool:
        """PENDING → `status` in one conditional UPDATE: of two decisions racing, one wins."""
        result = self.session.execute(
            update(SaleReturn)
            .where(SaleReturn.id == return_id, SaleReturn.status == ReturnStatus.PENDING)
            .values(
                status=status, approved_by_id=by, decided_at=at, decision_note=note, updated_at=at
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def settle(
        self, sale_return: SaleReturn, *, debt_reduced: Decimal, cash_refund: Decimal
    ) -> None:
        """Record how an approved return was settled (the return row is already decided)."""
        sale_return.debt_reduced = debt_reduced
        sale_return.cash_refund = cash_refund
        self.session.flush()
