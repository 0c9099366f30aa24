from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, bindparam, case, func, insert, select, update

from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.core.prepared import Prepared
from carpet_shop.core.repository import Repository
from carpet_shop.core.types import Hundredths, UTCDateTime
from carpet_shop.inventory.models import MovementKind, StockMovement

# A product's stock columns after a change: quantity, remaining_length, total_length, updated_at.
StockRow = tuple[int, Decimal | None, Decimal | None, datetime]


# The two conditional UPDATEs of `shift` (taking or adding stock), prepared once: every sale
# runs one per item. The time of the change comes from the caller's clock.
_LIVE = (Product.id == bindparam("product_id"), Product.deleted_at.is_(None))
_NOW = bindparam("now", type_=UTCDateTime())
_NEW_STOCK = (Product.quantity, Product.remaining_length, Product.total_length, Product.updated_at)
_PIECES = bindparam("pieces", type_=Integer)
_SHIFT_PIECES = Prepared(
    update(Product)
    .where(*_LIVE, Product.quantity + _PIECES >= 0)
    .values(quantity=Product.quantity + _PIECES, updated_at=_NOW)
    .returning(*_NEW_STOCK)
)
_NEW_LENGTH = Product.remaining_length + bindparam("metres", type_=Hundredths())
_SHIFT_METRES = Prepared(
    update(Product)
    .where(*_LIVE, _NEW_LENGTH >= 0)
    .values(
        remaining_length=_NEW_LENGTH,
        # Stock received beyond the roll's length makes the roll longer.
        total_length=case(
            (Product.total_length < _NEW_LENGTH, _NEW_LENGTH), else_=Product.total_length
        ),
        updated_at=_NOW,
    )
    .returning(*_NEW_STOCK)
)


_APPEND = Prepared(insert(StockMovement))


class StockRepository(Repository[StockMovement]):
    model = StockMovement

    def append(self, movements: list[dict[str, Any]]) -> None:
        _APPEND.execute_many(self.connection, movements)

    def shift(
        self, product_id: uuid.UUID, kind: ProductType, delta: Decimal, now: datetime
    ) -> StockRow | None:
        """Move one product's stock by `delta` in a single conditional UPDATE.

        Returns the row's new stock columns (quantity, remaining_length, total_length,
        updated_at), or None when the product is gone or the stock would go below
        zero. The check and the write are one statement, so concurrent requests cannot both
        take the last piece: on PostgreSQL the second waits for the first's row lock and then
        re-evaluates the condition; on SQLite writers are serialised by BEGIN IMMEDIATE.
        """
        if kind == ProductType.UNIT:
            params: dict[str, Any] = {"product_id": product_id, "pieces": int(delta), "now": now}
            rows = _SHIFT_PIECES.rows(self.connection, params)
        else:
            params = {"product_id": product_id, "metres": delta, "now": now}
            rows = _SHIFT_METRES.rows(self.connection, params)
        return rows[0] if rows else None

    def lock_product(self, product_id: uuid.UUID) -> Product | None:
        """Read a product for a change that depends on its current stock (row lock on PostgreSQL;
        SQLite's write transaction already excludes other writers)."""
        return self.session.scalar(
            select(Product)
            .where(Product.id == product_id, Product.deleted_at.is_(None))
            # NO KEY UPDATE, like the UPDATE in `shift`: inserts referring to the product
            # (movements, sale items, transfers) need not wait for it.
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )

    def ledger_total(self, product_id: uuid.UUID) -> Decimal:
        total = self.session.scalar(
            select(func.coalesce(func.sum(StockMovement.delta), 0)).where(
                StockMovement.product_id == product_id
            )
        )
        return Decimal(total or 0)

    def for_product(
        self, product_id: uuid.UUID, kind: MovementKind | None
    ) -> Select[StockMovement]:
        stmt = select(StockMovement).where(StockMovement.product_id == product_id)
        if kind is not None:
            stmt = stmt.where(StockMovement.kind == kind)
        return stmt.order_by(StockMovement.created_at.desc(), StockMovement.id)
