from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, bindparam, case, func, insert, select, update

from carpet_shop.catalog.models import Product, ProductSize, ProductType
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


# A product's total length grows by what its rolls grew (stock received beyond a roll's
# length makes that roll longer): the products' columns are the sums of their sizes'.
_GROW_METRES = Prepared(
    update(Product)
    .where(*_LIVE, _NEW_LENGTH >= 0)
    .values(
        remaining_length=_NEW_LENGTH,
        total_length=func.coalesce(Product.total_length, 0)
        + bindparam("growth", type_=Hundredths()),
        updated_at=_NOW,
    )
    .returning(*_NEW_STOCK)
)

# One size's stock (sizes are stock), moved by the same conditional UPDATEs as the product's,
# always after the product's row is held: every change of any size of a product goes through
# that row first, so two documents never hold two sizes in opposite orders.
_SIZE = (ProductSize.product_id == bindparam("product_id"), ProductSize.size == bindparam("size"))
_SIZE_STOCK = (ProductSize.quantity, ProductSize.remaining_length, ProductSize.total_length)
_SHIFT_SIZE_PIECES = Prepared(
    update(ProductSize)
    .where(*_SIZE, ProductSize.quantity + _PIECES >= 0)
    .values(quantity=ProductSize.quantity + _PIECES)
    .returning(*_SIZE_STOCK)
)
_SIZE_LENGTH = ProductSize.remaining_length + bindparam("metres", type_=Hundredths())
_SHIFT_SIZE_METRES = Prepared(
    update(ProductSize)
    .where(*_SIZE, _SIZE_LENGTH >= 0)
    .values(remaining_length=_SIZE_LENGTH)
    .returning(*_SIZE_STOCK)
)
_SET_SIZE_LENGTHS = Prepared(
    update(ProductSize)
    .where(*_SIZE)
    .values(
        remaining_length=bindparam("remaining", type_=Hundredths()),
        total_length=bindparam("total", type_=Hundredths()),
    )
    .returning(*_SIZE_STOCK)
)
# quantity, remaining_length, total_length of one size.
SizeRow = tuple[int, Decimal | None, Decimal | None]


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

    def shift_sized(
        self, product_id: uuid.UUID, size: str, kind: ProductType, delta: Decimal, now: datetime
    ) -> tuple[StockRow, SizeRow] | tuple[StockRow | None, None]:
        """Move one size's stock by `delta`, and its product's by the same.

        The product's row first (its conditional UPDATE holds it), then the size's; (None,
        None) when the product is gone or short, (product row, None) when the size is short
        (the caller's transaction is then rolled back). A roll receiving stock beyond its
        length grows, and its product's total_length with it.
        """
        if kind == ProductType.UNIT:
            product = self.shift(product_id, kind, delta, now)
            if product is None:
                return None, None
            params: dict[str, Any] = {"product_id": product_id, "size": size}
            rows = _SHIFT_SIZE_PIECES.rows(self.connection, params | {"pieces": int(delta)})
            return (product, rows[0]) if rows else (product, None)
        if delta < 0:
            product = self.shift(product_id, kind, delta, now)
            if product is None:
                return None, None
            params = {"product_id": product_id, "size": size, "metres": delta}
            rows = _SHIFT_SIZE_METRES.rows(self.connection, params)
            return (product, rows[0]) if rows else (product, None)
        if not self.hold_product(product_id):
            return None, None
        current = self.size_row(product_id, size)
        if current is None:
            return None, None
        _quantity, remaining, total = current
        new_remaining = (remaining or Decimal(0)) + delta
        new_total = max(total or Decimal(0), new_remaining)
        growth = new_total - (total or Decimal(0))
        product_rows = _GROW_METRES.rows(
            self.connection,
            {"product_id": product_id, "metres": delta, "growth": growth, "now": now},
        )
        if not product_rows:
            return None, None
        values = {"product_id": product_id, "size": size}
        rows = _SET_SIZE_LENGTHS.rows(
            self.connection, values | {"remaining": new_remaining, "total": new_total}
        )
        return (product_rows[0], rows[0]) if rows else (product_rows[0], None)

    def hold_product(self, product_id: uuid.UUID) -> bool:
        """Hold a live product's row for this transaction (PostgreSQL; SQLite's write
        transaction already excludes other writers); False when there is none."""
        stmt = (
            select(Product.id)
            .where(Product.id == product_id, Product.deleted_at.is_(None))
            .with_for_update(key_share=True)
        )
        return self.session.scalar(stmt) is not None

    def size_row(self, product_id: uuid.UUID, size: str) -> SizeRow | None:
        row = self.session.execute(
            select(*_SIZE_STOCK).where(
                ProductSize.product_id == product_id, ProductSize.size == size
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    def size_width(self, product_id: uuid.UUID, size: str) -> Decimal | None:
        return self.session.scalar(
            select(ProductSize.width).where(
                ProductSize.product_id == product_id, ProductSize.size == size
            )
        )

    def ledger_total_of_size(self, product_id: uuid.UUID, size: str | None) -> Decimal:
        stmt = select(func.coalesce(func.sum(StockMovement.delta), 0)).where(
            StockMovement.product_id == product_id,
            StockMovement.size.is_(None) if size is None else StockMovement.size == size,
        )
        return Decimal(self.session.scalar(stmt) or 0)

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
