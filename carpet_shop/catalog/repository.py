from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    delete,
    distinct,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
)

from carpet_shop.catalog.filters import ProductFilters
from carpet_shop.catalog.models import (
    Collection,
    Product,
    ProductSize,
    ProductType,
    Size,
)
from carpet_shop.catalog.schemas import FacetLevel, ProductSort
from carpet_shop.catalog.text import like_contains, like_prefix
from carpet_shop.core.repository import (
    BranchScope,
    BranchScopedMixin,
    Repository,
    SoftDeleteRepository,
)
from carpet_shop.sales.models import SaleItem
from carpet_shop.transfers.models import Transfer, TransferStatus


def _raw(column: Any) -> ColumnElement[int]:
    """A hundredths column as the integer it is stored as, for arithmetic across columns."""
    return type_coerce(column, BigInteger)


# Built once: SQL expressions are immutable, and the busiest queries use them every time.
@functools.cache
def stock_hundredths() -> ColumnElement[int]:
    """Pieces or metres on hand, in hundredths, so both kinds compare and sort together."""
    return case(
        # BIGINT first: PostgreSQL's integer would overflow at 21 million pieces.
        (Product.type == ProductType.UNIT, cast(Product.quantity, BigInteger) * 100),
        else_=func.coalesce(_raw(Product.remaining_length), 0),
    )


@functools.cache
def in_stock() -> ColumnElement[bool]:
    return stock_hundredths() > 0


@functools.cache
def standard_price() -> ColumnElement[Decimal]:
    return case(
        (
            and_(Product.type == ProductType.METER, Product.sell_price_per_meter.is_not(None)),
            Product.sell_price_per_meter,
        ),
        else_=Product.sell_price,
    )


def _matches_name(q: str) -> ColumnElement[bool]:
    return Product.search_name.like(like_contains(q), escape="\\")


def _ordered(stmt: Select[Any], sort: ProductSort) -> Select[Any]:
    key = sort.lstrip("-")
    column: Any = {
        "name": Product.search_name,
        "price": standard_price(),
        "quantity": stock_hundredths(),
        "created_at": Product.created_at,
    }[key]
    direction = column.desc() if sort.startswith("-") else column.asc()
    return stmt.order_by(direction, Product.name, Product.id)


# Named as the Product attributes they stand for, so a row reads like a product.
_LISTED: tuple[Any, ...] = (
    Product.id,
    Product.name,
    Product.category,
    Product.collection_id,
    Collection.name.label("collection_name"),
    Product.type,
    Product.buy_price,
    Product.sell_price,
    Product.sell_price_per_meter,
    Product.quantity,
    Product.total_length,
    Product.remaining_length,
    Product.max_quantity,
    Product.available_sizes,
    Product.photo,
    Product.photo_thumb,
    Product.low_stock_threshold,
    Product.branch_id,
    Product.created_at,
    Product.updated_at,
    Product.deleted_at,
)


class CollectionRepository(Repository[Collection]):
    model = Collection

    def remove(self, collection: Collection) -> None:
        self.session.delete(collection)
        self.session.flush()

    def find_by_name(self, name: str) -> Collection | None:
        return self.session.scalar(
            select(Collection).where(func.lower(Collection.name) == name.strip().lower())
        )

    def name_taken(self, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        found = self.find_by_name(name)
        return found is not None and found.id != except_id

    def listing(self, q: str | None) -> Select[Collection]:
        stmt = select(Collection)
        if q:
            stmt = stmt.where(func.lower(Collection.name).like(f"%{q.lower()}%"))
        return stmt.order_by(Collection.name, Collection.id)

    def product_counts(self, collection_id: uuid.UUID) -> tuple[int, int]:
        """Live and soft-deleted products of a collection (both keep it from being deleted)."""
        row = self.session.execute(
            select(
                func.count().filter(Product.deleted_at.is_(None)),
                func.count().filter(Product.deleted_at.is_not(None)),
            ).where(Product.collection_id == collection_id)
        ).one()
        return int(row[0] or 0), int(row[1] or 0)


class SizeRepository(Repository[Size]):
    model = Size

    def remove(self, size: Size) -> None:
        self.session.delete(size)
        self.session.flush()

    def listing(self, collection_id: uuid.UUID | None, *, include_global: bool) -> Select[Size]:
        stmt = select(Size)
        if collection_id is not None:
            mine = Size.collection_id == collection_id
            stmt = stmt.where(or_(mine, Size.collection_id.is_(None)) if include_global else mine)
        return stmt.order_by(Size.width, Size.height, Size.collection_id, Size.id)

    def taken(
        self, size: str, collection_id: uuid.UUID | None, *, except_id: uuid.UUID | None = None
    ) -> bool:
        same_collection = (
            Size.collection_id.is_(None)
            if collection_id is None
            else Size.collection_id == collection_id
        )
        stmt = select(Size.id).where(Size.size == size, same_collection)
        if except_id is not None:
            stmt = stmt.where(Size.id != except_id)
        return self.session.scalar(stmt.limit(1)) is not None

    def offered(self, sizes: Sequence[str], collection_id: uuid.UUID) -> set[str]:
        """Which of `sizes` the collection offers (its own sizes and those for all)."""
        if not sizes:
            return set()
        rows = self.session.scalars(
            select(Size.size).where(
                Size.size.in_(list(sizes)),
                or_(Size.collection_id == collection_id, Size.collection_id.is_(None)),
            )
        )
        return set(rows)


class ProductRepository(BranchScopedMixin, SoftDeleteRepository[Product]):
    model = Product
    branch_column = Product.branch_id

    def _filtered(
        self, stmt: Select[Any], scope: BranchScope, filters: ProductFilters
    ) -> Select[Any]:
        stmt = self.scoped(stmt, scope)
        if not filters.include_deleted:
            stmt = stmt.where(Product.deleted_at.is_(None))
        if filters.category is not None:
            stmt = stmt.where(Product.category == filters.category)
        if filters.collection_id is not None:
            stmt = stmt.where(Product.collection_id == filters.collection_id)
        if filters.collection is not None:
            named = select(Collection.id).where(
                func.lower(Collection.name) == filters.collection.lower()
            )
            stmt = stmt.where(Product.collection_id.in_(named.scalar_subquery()))
        if filters.type is not None:
            stmt = stmt.where(Product.type == filters.type)
        if filters.in_stock is not None:
            stmt = stmt.where(in_stock() if filters.in_stock else ~in_stock())
        if filters.q:
            stmt = stmt.where(_matches_name(filters.q))
        size_conditions = []
        if filters.size is not None:
            size_conditions.append(ProductSize.size == filters.size)
        if filters.width is not None:
            size_conditions.append(ProductSize.width == filters.width)
        if filters.height is not None:
            size_conditions.append(ProductSize.height == filters.height)
        if size_conditions:
            # One size row must satisfy all of them: width 2 and height 3 means a 2×3.
            stmt = stmt.where(
                exists().where(ProductSize.product_id == Product.id, *size_conditions)
            )
        return stmt

    def listing(
        self, scope: BranchScope, filters: ProductFilters, sort: ProductSort
    ) -> Select[Any]:
        """Products as rows of just what the product list shows (catalog.views), its busiest
        screen: no objects to build, no second query for the collection."""
        stmt = select(*_LISTED).join(Collection, Collection.id == Product.collection_id)
        return _ordered(self._filtered(stmt, scope, filters), sort)

    def suggest(
        self, scope: BranchScope, q: str, limit: int, *, in_stock_only: bool
    ) -> Sequence[Product]:
        """Names starting with `q` first, then names containing it; in stock before sold out."""
        stmt = self._filtered(select(Product), scope, ProductFilters(q=q))
        if in_stock_only:
            stmt = stmt.where(in_stock())
        starts = Product.search_name.like(like_prefix(q), escape="\\")
        stmt = stmt.order_by(
            case((starts, 0), else_=1),
            case((in_stock(), 0), else_=1),
            Product.search_name,
            Product.id,
        )
        return self.session.scalars(stmt.limit(limit)).all()

    def facet_rows(
        self, level: FacetLevel, scope: BranchScope, filters: ProductFilters
    ) -> list[tuple[Any, ...]]:
        """One GROUP BY for the level below the filters: (value columns…, count, in_stock)."""
        if level in ("category", "collection"):
            counted = func.count(Product.id)
            stocked = func.count(case((in_stock(), Product.id)))
            keys: list[Any] = (
                [Product.category]
                if level == "category"
                else [Collection.id, Collection.name, Collection.icon]
            )
            stmt = select(*keys, counted, stocked)
            if level == "collection":
                stmt = stmt.join(Collection, Collection.id == Product.collection_id)
        else:
            # A product with sizes 2×3 and 2×4 counts once under width 2.
            counted = func.count(distinct(Product.id))
            stocked = func.count(distinct(case((in_stock(), Product.id))))
            keys = [ProductSize.width if level == "width" else ProductSize.height]
            stmt = select(*keys, counted, stocked).join(
                ProductSize, ProductSize.product_id == Product.id
            )
            if filters.width is not None:
                stmt = stmt.where(ProductSize.width == filters.width)
            filters = ProductFilters(
                category=filters.category,
                collection=filters.collection,
                collection_id=filters.collection_id,
                type=filters.type,
            )
        stmt = self._filtered(stmt, scope, filters).group_by(*keys).order_by(*keys)
        return [tuple(row) for row in self.session.execute(stmt)]

    def low_stock(
        self, scope: BranchScope, default_pieces: Decimal, default_metres: Decimal
    ) -> Select[Product]:
        """Products at or below their threshold (their own, or the default of their kind)."""
        default = case(
            (Product.type == ProductType.UNIT, int(default_pieces * 100)),
            else_=int(default_metres * 100),
        )
        threshold = func.coalesce(_raw(Product.low_stock_threshold), default)
        stmt = self.scoped(select(Product), scope).where(
            Product.deleted_at.is_(None), stock_hundredths() <= threshold
        )
        return stmt.order_by(stock_hundredths(), Product.search_name, Product.id)

    def set_sizes(
        self, product_id: uuid.UUID, sizes: Sequence[tuple[str, Decimal, Decimal]]
    ) -> None:
        self.session.execute(delete(ProductSize).where(ProductSize.product_id == product_id))
        if sizes:
            self.session.execute(
                insert(ProductSize),
                [
                    {"product_id": product_id, "size": size, "width": width, "height": height}
                    for size, width, height in sizes
                ],
            )

    def has_sales(self, product_id: uuid.UUID) -> bool:
        stmt = select(SaleItem.id).where(SaleItem.product_id == product_id).limit(1)
        return self.session.scalar(stmt) is not None

    def transfers_in_transit(self, product_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            Transfer.product_id == product_id, Transfer.status == TransferStatus.IN_TRANSIT
        )
        return int(self.session.scalar(stmt) or 0)

    def count_live_in_branch(self, branch_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            Product.branch_id == branch_id, Product.deleted_at.is_(None)
        )
        return int(self.session.scalar(stmt) or 0)

    def same_as(self, template: Product, branch_id: uuid.UUID) -> Sequence[Product]:
        """Live products of a branch with the template's name, kind, collection and prices;
        sizes are compared by the caller (JSON is not comparable alike on both databases)."""
        per_meter = (
            Product.sell_price_per_meter.is_(None)
            if template.sell_price_per_meter is None
            else Product.sell_price_per_meter == template.sell_price_per_meter
        )
        stmt = select(Product).where(
            Product.branch_id == branch_id,
            Product.deleted_at.is_(None),
            Product.name == template.name,
            Product.category == template.category,
            Product.collection_id == template.collection_id,
            Product.type == template.type,
            Product.buy_price == template.buy_price,
            Product.sell_price == template.sell_price,
            per_meter,
        )
        return self.session.scalars(stmt.order_by(Product.created_at, Product.id)).all()
