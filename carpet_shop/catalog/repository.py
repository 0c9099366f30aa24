from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    delete,
    distinct,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.engine import Row
from sqlalchemy.types import NullType

from carpet_shop.catalog.filters import (
    PRODUCT_FILTERS,
    ProductFilter,
    ProductFilters,
    ProductListQuery,
)
from carpet_shop.catalog.models import (
    Collection,
    Product,
    ProductSize,
    ProductType,
    Size,
)
from carpet_shop.catalog.schemas import FacetLevel, ProductSort
from carpet_shop.catalog.stock import in_stock, raw_hundredths, size_in_stock
from carpet_shop.catalog.stock import size_stock_hundredths as size_stock_hundredths  # reports
from carpet_shop.catalog.stock import stock_hundredths as stock_hundredths  # reports read it
from carpet_shop.catalog.text import like_prefix
from carpet_shop.catalog.views import ProductViews, SizeFacts, facts_of
from carpet_shop.core import like
from carpet_shop.core.envelope import rows_json
from carpet_shop.core.etag import content_tag
from carpet_shop.core.json_values import id_text
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.read_cache import kept
from carpet_shop.core.repository import (
    BranchScope,
    BranchScopedMixin,
    Repository,
    SoftDeleteRepository,
)
from carpet_shop.sales.models import SaleItem
from carpet_shop.transfers.models import Transfer, TransferStatus

# Pages of the product list kept until the next commit (core.read_cache): about 25 KB each.
LISTED_PAGES_KEPT = 256
# Drill-down answers kept per (level, scope, filters): a few per collection and branch.
FACETS_KEPT = 256


@functools.cache
def standard_price() -> ColumnElement[Decimal]:
    return case(
        (
            and_(Product.type == ProductType.METER, Product.sell_price_per_meter.is_not(None)),
            Product.sell_price_per_meter,
        ),
        else_=Product.sell_price,
    )


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


# The product list's columns (catalog.views), named as the Product attributes they stand for,
# and read as the driver returns them: the view makes JSON of them without first making
# UUIDs, Decimals and datetimes (core.json_values).
_LISTED: tuple[Any, ...] = tuple(
    type_coerce(column, NullType()).label(name)
    for name, column in (
        ("id", Product.id),
        ("name", Product.name),
        ("category", Product.category),
        ("collection_id", Product.collection_id),
        ("collection_name", Collection.name),
        ("type", Product.type),
        ("buy_price", Product.buy_price),
        ("sell_price", Product.sell_price),
        ("sell_price_per_meter", Product.sell_price_per_meter),
        ("quantity", Product.quantity),
        ("total_length", Product.total_length),
        ("remaining_length", Product.remaining_length),
        ("max_quantity", Product.max_quantity),
        ("available_sizes", Product.available_sizes),
        ("photo", Product.photo),
        ("photo_thumb", Product.photo_thumb),
        ("low_stock_threshold", Product.low_stock_threshold),
        ("branch_id", Product.branch_id),
        ("created_at", Product.created_at),
        ("updated_at", Product.updated_at),
        ("deleted_at", Product.deleted_at),
        ("sell_price_per_m2", Product.sell_price_per_m2),
        ("buy_price_per_m2", Product.buy_price_per_m2),
        ("price_step", Product.price_step),
        ("needs_count", Product.needs_count),
        ("sell_price_usd", Product.sell_price_usd),
    )
)
# The sizes of a page's products, read as the driver returns them, like the page.
_SIZES_OF_PAGE = select(
    *(
        type_coerce(column, NullType()).label(column.key)
        for column in (
            ProductSize.product_id,
            ProductSize.size,
            ProductSize.width,
            ProductSize.height,
            ProductSize.quantity,
            ProductSize.total_length,
            ProductSize.remaining_length,
            ProductSize.sell_price,
            ProductSize.buy_price,
        )
    )
).where(ProductSize.product_id.in_(bindparam("ids", expanding=True)))


def _given(filters: ProductFilters) -> list[tuple[ProductFilter, Any]]:
    given = []
    for declared in PRODUCT_FILTERS:
        value = getattr(filters, declared.name)
        if value is not None and value != "":
            given.append((declared, value))
    return given


@dataclass(frozen=True)
class _Shape:
    """Which filters a product query has: its SQL, with the values bound at execution."""

    include_deleted: bool
    # (name, None) for each filter given whose value is bound; (name, value) when the value
    # picks the SQL. The branch is bound as "branch_id".
    given: tuple[tuple[str, Any], ...]


def _bound(scope: BranchScope, filters: ProductFilters) -> tuple[_Shape, dict[str, Any]]:
    params: dict[str, Any] = {}
    given: list[tuple[str, Any]] = []
    branch_id = scope.list_branch_id
    if branch_id is not None:
        params["branch_id"] = branch_id
        given.append(("branch_id", None))
    for declared, value in _given(filters):
        if declared.shapes:
            given.append((declared.name, value))
        else:
            params[declared.name] = declared.bind(value)
            given.append((declared.name, None))
    return _Shape(include_deleted=filters.include_deleted, given=tuple(given)), params


_BY_NAME = {declared.name: declared for declared in PRODUCT_FILTERS}


def _conditions(shape: _Shape) -> tuple[ColumnElement[bool], ...]:
    """The WHERE of a product query of this shape; values are bound by the filters' names."""
    return _split_conditions(shape)[0]


@functools.lru_cache(maxsize=512)
def _split_conditions(
    shape: _Shape,
) -> tuple[tuple[ColumnElement[bool], ...], tuple[ColumnElement[bool], ...]]:
    """The WHERE of a product query of this shape (values bound by the filters' names), and
    the conditions one size row must meet (on `product_sizes`, already inside that WHERE as
    an EXISTS). Built once per shape: making these expressions costs more than running the
    query."""
    conditions: list[ColumnElement[bool]] = []
    size_conditions: list[ColumnElement[bool]] = []
    narrows_sizes = any(name in _BY_NAME and _BY_NAME[name].size_row for name, _ in shape.given)
    for name, value in shape.given:
        if name == "branch_id":
            # Branch scoping (BranchScope.conditions_on) as a bound value, so one statement
            # per shape serves every branch; tests/catalog check a seller's list is theirs.
            conditions.append(Product.branch_id == bindparam("branch_id"))
            continue
        declared = _BY_NAME[name]
        bound = value if declared.shapes else bindparam(name)
        if narrows_sizes and declared.size_sql is not None:
            # By that size's own stock (sizes are stock), not the product's.
            size_conditions.append(declared.size_sql(bound))
            continue
        condition = declared.sql(bound)
        (size_conditions if declared.size_row else conditions).append(condition)
    if not shape.include_deleted:
        conditions.append(Product.deleted_at.is_(None))
    if size_conditions:
        # One size row must satisfy all of them: width 2 and height 3 means a 2×3. Correlated
        # to products alone, so a query that also joins the sizes keeps its own here.
        conditions.append(
            exists()
            .where(ProductSize.product_id == Product.id, *size_conditions)
            .correlate(Product)
        )
    return tuple(conditions), tuple(size_conditions)


@functools.lru_cache(maxsize=512)
def _listing_statement(shape: _Shape, sort: ProductSort) -> Select[Any]:
    # The total rides along as a window count: no second query for the page's meta.
    stmt = (
        select(*_LISTED, func.count().over().label("total"))
        .join(Collection, Collection.id == Product.collection_id)
        .where(*_conditions(shape))
    )
    return _ordered(stmt, sort).limit(bindparam("limit")).offset(bindparam("offset"))


class CollectionRepository(Repository[Collection]):
    model = Collection
    held_for_transaction = True

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
            stmt = stmt.where(
                func.lower(Collection.name).like(like.contains(q.lower()), escape=like.ESCAPE)
            )
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

    def sizes_now(self, product_id: Any) -> list[str]:
        """The product's sizes as the database holds them now (a line may have added one)."""
        found = self.session.scalar(select(Product.available_sizes).where(Product.id == product_id))
        return list(found or [])

    def _filtered(
        self, stmt: Select[Any], scope: BranchScope, filters: ProductFilters
    ) -> tuple[Select[Any], dict[str, Any]]:
        """`stmt` narrowed to the filters, and the values to execute it with."""
        shape, params = _bound(scope, filters)
        return stmt.where(*_conditions(shape)), params

    def filtered(
        self, stmt: Select[Any], scope: BranchScope, filters: ProductFilters
    ) -> tuple[Select[Any], dict[str, Any]]:
        """`stmt` (selecting from products) narrowed to what the product list shows for
        this scope and these filters, and the values to execute it with (reports)."""
        return self._filtered(stmt, scope, filters)

    def filtered_sizes(
        self, stmt: Select[Any], scope: BranchScope, filters: ProductFilters
    ) -> tuple[Select[Any], dict[str, Any]]:
        """Like `filtered`, for a `stmt` that joins `product_sizes` to its products: the size
        filters (size, width, height, and in stock with them) narrow the joined size rows
        too, not only which products are listed."""
        shape, params = _bound(scope, filters)
        conditions, size_conditions = _split_conditions(shape)
        return stmt.where(*conditions, *size_conditions), params

    def listing_page(
        self, scope: BranchScope, filters: ProductFilters, sort: ProductSort, page: PageParams
    ) -> tuple[Sequence[Row[Any]], int]:
        """A page of the product list as rows of just what it shows (catalog.views), as the
        driver returns them, and the total. The busiest screen: one prepared statement per
        combination of filters, the total counted in the same query."""
        shape, params = _bound(scope, filters)
        params |= {"limit": page.page_size, "offset": page.offset}
        connection = self.session.connection()
        rows = connection.execute(_listing_statement(shape, sort), params).all()
        if rows:
            return rows, int(rows[0].total)
        if page.page == 1:
            return rows, 0
        # Past the last page: the rows carry no total, so count.
        count = select(func.count()).select_from(Product).where(*_conditions(shape))
        return rows, int(connection.execute(count, params).scalar_one())

    def listed_page_json(
        self, views: ProductViews, scope: BranchScope, query: ProductListQuery
    ) -> tuple[bytes, str, int]:
        """A page of the product list as the JSON array of a list envelope (see
        catalog.views), its content tag (core.etag) and the total.

        Phones scroll the same pages over and over between sales, so a read session keeps a
        page until the next commit (core.read_cache). Its key is what the answer depends on,
        and nothing assembled by hand: the view (the director's has buy prices; both hold the
        low-stock defaults), the branch the caller may read, and the validated query (every
        filter, the order and the page)."""

        def read() -> tuple[bytes, str, int]:
            rows, total = self.listing_page(scope, query.filters(), query.sort, query.page_params())
            data = rows_json(views.listed(rows, self.sizes_of_page([r.id for r in rows])))
            return data, content_tag(data), total

        key = (views, scope.list_branch_id, query)
        return kept(self.session, "catalog.listed_pages", LISTED_PAGES_KEPT, key, read)

    def sizes_of_page(self, ids: Sequence[Any]) -> dict[Any, list[SizeFacts]]:
        """The size rows of these products (ids as the page's rows hold them), by id text."""
        if not ids:
            return {}
        product_ids = [uuid.UUID(str(id_text(i))) for i in ids]
        found: dict[Any, list[Any]] = {}
        for row in self.session.execute(_SIZES_OF_PAGE, {"ids": product_ids}):
            found.setdefault(id_text(row.product_id), []).append(row)
        return {key: facts_of(rows) for key, rows in found.items()}

    def live_everywhere(self) -> Sequence[Product]:
        stmt = self.statement().order_by(Product.created_at, Product.id)
        return self.session.scalars(stmt).all()

    def suggest(
        self, scope: BranchScope, q: str, limit: int, *, in_stock_only: bool
    ) -> Sequence[Product]:
        """Names starting with `q` first, then names containing it; in stock before sold out."""
        stmt, params = self._filtered(select(Product), scope, ProductFilters(q=q))
        if in_stock_only:
            stmt = stmt.where(in_stock())
        starts = Product.search_name.like(like_prefix(q), escape=like.ESCAPE)
        stmt = stmt.order_by(
            case((starts, 0), else_=1),
            case((in_stock(), 0), else_=1),
            Product.search_name,
            Product.id,
        )
        return self.session.scalars(stmt.limit(limit), params).all()

    def facet_rows(
        self, level: FacetLevel, scope: BranchScope, filters: ProductFilters
    ) -> tuple[tuple[Any, ...], ...]:
        """One GROUP BY for the level below the filters: (value columns…, count, in_stock).

        A seller taps through the drill-down over and over between sales, so a read session
        keeps the rows until the next commit (core.read_cache), as it keeps the list's pages.
        The key is everything they depend on: the level, the caller's scope and the validated
        filters (a frozen dataclass: a filter added there is in the key)."""
        return kept(
            self.session,
            "catalog.facets",
            FACETS_KEPT,
            (level, scope, filters),
            lambda: self._facet_rows(level, scope, filters),
        )

    def _facet_rows(
        self, level: FacetLevel, scope: BranchScope, filters: ProductFilters
    ) -> tuple[tuple[Any, ...], ...]:
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
            # A product with sizes 2×3 and 2×4 counts once under width 2; in stock when one
            # of its sizes there has stock of its own (sizes are stock).
            counted = func.count(distinct(Product.id))
            stocked = func.count(distinct(case((size_in_stock(), Product.id))))
            keys = [ProductSize.width if level == "width" else ProductSize.height]
            stmt = select(*keys, counted, stocked).join(
                ProductSize, ProductSize.product_id == Product.id
            )
        on_sizes = level in ("width", "height")
        params: dict[str, Any] = {}
        for declared, value in _given(filters):
            if declared.facet is None:
                continue
            if on_sizes and not declared.facet_on_sizes and declared.size_row:
                continue
            if not on_sizes and declared.facet_on_sizes:
                continue
            name = f"facet_{declared.name}"
            stmt = stmt.where(declared.facet(bindparam(name)))
            params[name] = declared.bind(value)
        stmt = stmt.where(*scope.conditions_on(Product.branch_id))
        grouped = stmt.where(Product.deleted_at.is_(None)).group_by(*keys).order_by(*keys)
        return tuple(tuple(row) for row in self.session.execute(grouped, params))

    @staticmethod
    def _threshold(default_pieces: Decimal, default_metres: Decimal) -> ColumnElement[int]:
        default = case(
            (Product.type == ProductType.UNIT, int(default_pieces * 100)),
            else_=int(default_metres * 100),
        )
        return func.coalesce(raw_hundredths(Product.low_stock_threshold), default)

    def low_stock(
        self, scope: BranchScope, default_pieces: Decimal, default_metres: Decimal
    ) -> Select[Product]:
        """Products at or below their threshold (their own, or the default of their kind),
        or with any size at or below it (sizes are stock: a design can be out of 3×4 while
        2×3 is plentiful). The product's stock is the sum of its sizes', so a product low as
        a whole has a low size too."""
        threshold = self._threshold(default_pieces, default_metres)
        low_size = exists().where(
            ProductSize.product_id == Product.id, size_stock_hundredths() <= threshold
        )
        stmt = self.scoped(select(Product), scope).where(
            Product.deleted_at.is_(None), or_(stock_hundredths() <= threshold, low_size)
        )
        return stmt.order_by(stock_hundredths(), Product.search_name, Product.id)

    def count_low_stock_sizes(
        self, scope: BranchScope, default_pieces: Decimal, default_metres: Decimal
    ) -> int:
        """Sizes at or below their product's threshold, plus products without sizes that
        are: what the dashboard counts as "low on stock" per size."""
        threshold = self._threshold(default_pieces, default_metres)
        sizes = self.scoped(
            select(func.count())
            .select_from(ProductSize)
            .join(Product, Product.id == ProductSize.product_id),
            scope,
        ).where(Product.deleted_at.is_(None), size_stock_hundredths() <= threshold)
        unsized = self.scoped(select(func.count()).select_from(Product), scope).where(
            Product.deleted_at.is_(None),
            stock_hundredths() <= threshold,
            ~exists().where(ProductSize.product_id == Product.id),
        )
        return int(self.session.scalar(sizes) or 0) + int(self.session.scalar(unsized) or 0)

    def needs_count(self, scope: BranchScope) -> Select[Product]:
        return (
            self.scoped(select(Product), scope)
            .where(Product.deleted_at.is_(None), Product.needs_count.is_(True))
            .order_by(Product.search_name, Product.id)
        )

    def without_cost(self) -> Select[Product]:
        return (
            select(Product)
            .where(Product.deleted_at.is_(None), Product.buy_price.is_(None))
            .order_by(Product.created_at, Product.id)
        )

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
