"""The payables' queries: listing, the one conditional UPDATE of a payment, supplier totals,
and the reads of purchase orders and goods receipts a supplier's card and statement need."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Row, Select, select, update

from carpet_shop.core.repository import BranchScope, BranchScopedMixin, Repository
from carpet_shop.currency.models import Currency
from carpet_shop.goods_receipts.models import GoodsReceipt
from carpet_shop.payables import status as st
from carpet_shop.payables.models import Payable, PayableStatus, SupplierPayment
from carpet_shop.purchase_orders.models import PurchaseOrder
from carpet_shop.suppliers.models import Supplier

ZERO = Decimal("0")


@dataclass(frozen=True)
class PayableFilters:
    supplier_id: uuid.UUID | None = None
    branch_id: uuid.UUID | None = None
    status: PayableStatus | None = None
    overdue: bool | None = None
    due_from: date | None = None
    due_to: date | None = None

    def scope(self) -> BranchScope:
        return BranchScope(allowed_branch_id=None, requested_branch_id=self.branch_id)


class PayableRepository(BranchScopedMixin, Repository[Payable]):
    model = Payable
    branch_column = Payable.branch_id

    def listing(self, filters: PayableFilters, today: date) -> Select[Payable]:
        stmt = self.readable(filters.scope())
        if filters.supplier_id is not None:
            stmt = stmt.where(Payable.supplier_id == filters.supplier_id)
        if filters.status is not None:
            stmt = stmt.where(st.has_status(filters.status, today))
        if filters.overdue is not None:
            overdue = st.is_overdue(today)
            stmt = stmt.where(overdue if filters.overdue else ~overdue)
        if filters.due_from is not None:
            stmt = stmt.where(Payable.due_date >= filters.due_from)
        if filters.due_to is not None:
            stmt = stmt.where(Payable.due_date <= filters.due_to)
        return stmt.order_by(Payable.due_date, Payable.created_at, Payable.id)

    def lock(self, payable_id: uuid.UUID) -> Payable | None:
        """The payable re-read under a row lock (PostgreSQL; SQLite holds the write lock)."""
        stmt = select(Payable).where(Payable.id == payable_id).with_for_update()
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()

    def refresh(self, payable: Payable) -> None:
        self.session.refresh(payable)

    def pay(self, payable_id: uuid.UUID, amount: Decimal, today: date, now: datetime) -> bool:
        """Take `amount` off what remains, only if that much remains: one atomic statement.

        The WHERE clause is the guard: on PostgreSQL a concurrent payment waits for the row
        lock and re-checks the condition against the committed row; SQLite serialises
        writers. Remaining never goes below zero and the row count says whether it fitted.
        """
        new_remaining = Payable.remaining_amount - amount
        result = self.session.execute(
            update(Payable)
            .where(Payable.id == payable_id, Payable.remaining_amount >= amount)
            .values(
                remaining_amount=new_remaining,
                status=st.status_after(new_remaining, today),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    def of_supplier(self, supplier_id: uuid.UUID) -> Sequence[Payable]:
        stmt = select(Payable).where(Payable.supplier_id == supplier_id)
        return self.session.scalars(stmt.order_by(Payable.created_at, Payable.id)).all()

    def receipts(self, receipt_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GoodsReceipt]:
        if not receipt_ids:
            return {}
        found = self.session.scalars(
            select(GoodsReceipt).where(GoodsReceipt.id.in_(list(receipt_ids)))
        )
        return {r.id: r for r in found}

    def supplier_names(self, supplier_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not supplier_ids:
            return {}
        rows = self.session.execute(
            select(Supplier.id, Supplier.name).where(Supplier.id.in_(list(supplier_ids)))
        )
        return {row.id: row.name for row in rows}

    def mark_overdue(
        self, today: date, now: datetime
    ) -> Sequence[Row[uuid.UUID, uuid.UUID, uuid.UUID, uuid.UUID, Currency, Decimal, date]]:
        """Store `overdue` on payables found overdue and not yet flagged.

        One UPDATE … RETURNING: when several workers run the job at once each payable is
        claimed by exactly one of them, so the rows returned are the notifications to raise.
        """
        result = self.session.execute(
            update(Payable)
            .where(st.is_overdue(today), Payable.overdue_notified_at.is_(None))
            .values(status=PayableStatus.OVERDUE, overdue_notified_at=now, updated_at=now)
            .returning(
                Payable.id,
                Payable.supplier_id,
                Payable.branch_id,
                Payable.goods_receipt_id,
                Payable.currency,
                Payable.remaining_amount,
                Payable.due_date,
            )
            .execution_options(synchronize_session=False)
        )
        return result.all()

    def reconcile_statuses(self, today: date, now: datetime) -> int:
        """Bring every stored status in line with the true one; returns the rows changed."""
        true_status = st.status_after(Payable.remaining_amount, today)
        result = self.session.execute(
            update(Payable)
            .where(Payable.status != true_status)
            .values(status=true_status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))


class SupplierPaymentRepository(Repository[SupplierPayment]):
    model = SupplierPayment

    def by_key(self, payable_id: uuid.UUID, key: str) -> SupplierPayment | None:
        return self.session.scalar(
            select(SupplierPayment).where(
                SupplierPayment.payable_id == payable_id, SupplierPayment.idempotency_key == key
            )
        )

    def of_payable(self, payable_id: uuid.UUID) -> Sequence[SupplierPayment]:
        stmt = select(SupplierPayment).where(SupplierPayment.payable_id == payable_id)
        return self.session.scalars(
            stmt.order_by(SupplierPayment.paid_at.desc(), SupplierPayment.id)
        ).all()

    def of_supplier(
        self, supplier_id: uuid.UUID, limit: int | None = None
    ) -> Sequence[SupplierPayment]:
        stmt = (
            select(SupplierPayment)
            .where(SupplierPayment.supplier_id == supplier_id)
            .order_by(SupplierPayment.paid_at.desc(), SupplierPayment.created_at.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return self.session.scalars(stmt).all()


class SupplierReadRepository(Repository[Supplier]):
    """A supplier and its other documents, read directly (the purchase orders' and goods
    receipts' own repositories belong to their parts)."""

    model = Supplier

    def recent_orders(self, supplier_id: uuid.UUID, limit: int) -> Sequence[PurchaseOrder]:
        return self.session.scalars(
            select(PurchaseOrder)
            .where(PurchaseOrder.supplier_id == supplier_id)
            .order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id)
            .limit(limit)
        ).all()

    def recent_receipts(self, supplier_id: uuid.UUID, limit: int) -> Sequence[GoodsReceipt]:
        return self.session.scalars(
            select(GoodsReceipt)
            .where(GoodsReceipt.supplier_id == supplier_id)
            .order_by(GoodsReceipt.received_on.desc(), GoodsReceipt.created_at.desc())
            .limit(limit)
        ).all()
