from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, select

from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScopedMixin, Repository, insert_on_conflict
from carpet_shop.goods_receipts.models import CostRule, GoodsReceipt, PurchaseSettings

SETTINGS_ID = 1
DEFAULT_COST_RULE = CostRule.WEIGHTED_AVERAGE


class GoodsReceiptRepository(BranchScopedMixin, Repository[GoodsReceipt]):
    model = GoodsReceipt
    branch_column = GoodsReceipt.branch_id

    def listing(
        self,
        scope_statement: Select[GoodsReceipt],
        *,
        supplier_id: uuid.UUID | None,
        purchase_order_id: uuid.UUID | None,
        window: Window | None,
    ) -> Select[GoodsReceipt]:
        stmt = scope_statement
        if supplier_id is not None:
            stmt = stmt.where(GoodsReceipt.supplier_id == supplier_id)
        if purchase_order_id is not None:
            stmt = stmt.where(GoodsReceipt.purchase_order_id == purchase_order_id)
        if window is not None:
            stmt = stmt.where(
                GoodsReceipt.received_on >= window.first_day,
                GoodsReceipt.received_on <= window.last_day,
            )
        return stmt.order_by(GoodsReceipt.created_at.desc(), GoodsReceipt.id)

    def lock(self, receipt_id: uuid.UUID) -> GoodsReceipt | None:
        """The receipt, its row held until the transaction ends (PostgreSQL; SQLite's write
        transaction already excludes other writers), read afresh."""
        stmt = (
            select(GoodsReceipt)
            .where(GoodsReceipt.id == receipt_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(stmt)


class PurchaseSettingsRepository(Repository[PurchaseSettings]):
    model = PurchaseSettings

    def cost_rule(self) -> CostRule:
        found = self.session.scalar(
            select(PurchaseSettings.cost_rule).where(PurchaseSettings.id == SETTINGS_ID)
        )
        return found or DEFAULT_COST_RULE

    def set_cost_rule(self, rule: CostRule, now: datetime) -> None:
        """Made with the defaults on first use; two first uses at once make it once."""
        table = PurchaseSettings.__table__
        insert = insert_on_conflict(self.session.get_bind().dialect.name, table)
        self.session.execute(
            insert.values(id=SETTINGS_ID, cost_rule=rule, updated_at=now).on_conflict_do_update(
                index_elements=["id"], set_={"cost_rule": rule, "updated_at": now}
            )
        )
