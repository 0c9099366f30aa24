from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Select, select, update

from carpet_shop.commissions.models import Commission, CommissionStatus
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScope, BranchScopedMixin, Repository
from carpet_shop.sales.models import Sale


class CommissionRepository(BranchScopedMixin, Repository[Commission]):
    model = Commission
    branch_column = Commission.branch_id

    def search(
        self,
        scope: BranchScope,
        *,
        seller_id: uuid.UUID | None,
        status: CommissionStatus | None,
        window: Window | None,
    ) -> Select[Commission]:
        stmt = self.readable(scope)
        if seller_id is not None:
            stmt = stmt.where(Commission.seller_id == seller_id)
        if status is not None:
            stmt = stmt.where(Commission.status == status)
        if window is not None:
            stmt = stmt.where(
                Commission.created_at >= window.start, Commission.created_at < window.end
            )
        return stmt.order_by(Commission.created_at.desc(), Commission.id.desc())

    def of_sale(self, sale_id: uuid.UUID) -> Sequence[Commission]:
        stmt = (
            select(Commission)
            .where(Commission.sale_id == sale_id)
            .order_by(Commission.created_at, Commission.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(stmt).all()

    def receipt_numbers(self, sale_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        ids = set(sale_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(Sale.id, Sale.receipt_number).where(Sale.id.in_(ids))
        ).all()
        return {row.id: row.receipt_number for row in rows}

    def mark_paid(self, commission_id: uuid.UUID, *, by: uuid.UUID, at: datetime) -> bool:
        """PENDING → PAID in one conditional UPDATE, so two payouts cannot both succeed."""
        result = self.session.execute(
            update(Commission)
            .where(Commission.id == commission_id, Commission.status == CommissionStatus.PENDING)
            .values(status=CommissionStatus.PAID, paid_at=at, paid_by_id=by, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
