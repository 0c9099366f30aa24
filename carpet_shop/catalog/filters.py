"""The product filters shared by the list, the facets and the quick find, and the list's query."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import ColumnElement, func, select

from carpet_shop.catalog.models import Category, Collection, Product, ProductSize, ProductType
from carpet_shop.catalog.schemas import ProductSort
from carpet_shop.catalog.stock import in_stock, size_in_stock
from carpet_shop.catalog.text import as_uuid, like_contains, parse_size
from carpet_shop.core import like
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    PAGE_HELP,
    PAGE_SIZE_HELP,
    PageParams,
)
from carpet_shop.core.schemas import NO_NUL

_METRES = {"gt": 0, "le": 100, "max_digits": 5, "decimal_places": 2}
_METRES_HELP = "Metres, e.g. 2 or 1.5"
QueryMetres = Annotated[Decimal | None, Query(**_METRES, description=_METRES_HELP)]
SideMetres = Annotated[Decimal, Field(**_METRES, description=_METRES_HELP)]


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class ProductFilter:
    """One way to narrow the products, declared once: `name` is its query parameter (of the
    product list, `catalog.filters.ProductListQuery`), its `ProductFilters` field and the
    name its value is bound by; `sql` is its condition; the read cache keys pages by the
    validated query, so it is part of the key; `facet` is its condition in the drill-down
    (`GET /api/catalog/facets` takes exactly the filters that have one).

    tests/catalog/test_filter_declarations.py holds these against the query models, the
    OpenAPI parameters and the read cache's key: a filter parsed but not applied fails it.
    """

    name: str
    # The condition, given the bound parameter (or the value itself, when `shapes`).
    sql: Callable[[Any], ColumnElement[bool]]
    # The value bound, from the filter's value.
    bind: Callable[[Any], Any] = _same
    # The value picks the SQL (in stock or not) instead of being bound.
    shapes: bool = False
    # A condition on one of the product's sizes: all of these hold for the same size row.
    size_row: bool = False
    # Its condition in the drill-down's GROUP BY, given the bound parameter; None: not a
    # drill-down filter. At the width and height levels the sizes are joined, and only the
    # filters marked `facet_on_sizes` narrow them (the others narrow products).
    facet: Callable[[Any], ColumnElement[bool]] | None = None
    facet_on_sizes: bool = False
    # Its condition on the size row when the query also narrows sizes (width 3, height 4
    # and in stock: that 3×4 has stock), given the value; None: always on the product.
    size_sql: Callable[[Any], ColumnElement[bool]] | None = None


def _named_collection(name: Any) -> ColumnElement[bool]:
    named = select(Collection.id).where(func.lower(Collection.name) == name)
    return Product.collection_id.in_(named.scalar_subquery())


PRODUCT_FILTERS: tuple[ProductFilter, ...] = (
    ProductFilter(
        "category", lambda v: Product.category == v, facet=lambda v: Product.category == v
    ),
    ProductFilter(
        "collection_id",
        lambda v: Product.collection_id == v,
        facet=lambda v: Product.collection_id == v,
    ),
    ProductFilter("collection", _named_collection, bind=str.lower, facet=_named_collection),
    ProductFilter("type", lambda v: Product.type == v, facet=lambda v: Product.type == v),
    ProductFilter(
        "in_stock",
        lambda yes: in_stock() if yes else ~in_stock(),
        shapes=True,
        size_sql=lambda yes: size_in_stock() if yes else ~size_in_stock(),
    ),
    ProductFilter(
        "q", lambda v: Product.search_name.like(v, escape=like.ESCAPE), bind=like_contains
    ),
    ProductFilter("size", lambda v: ProductSize.size == v, size_row=True),
    ProductFilter(
        "width",
        lambda v: ProductSize.width == v,
        size_row=True,
        facet=lambda v: ProductSize.width == v,
        facet_on_sizes=True,
    ),
    ProductFilter("height", lambda v: ProductSize.height == v, size_row=True),
)


@dataclass(frozen=True)
class ProductFilters:
    category: Category | None = None
    collection: str | None = None  # a collection's name, any case
    collection_id: uuid.UUID | None = None
    type: ProductType | None = None
    size: str | None = None  # normalised W×H
    width: Decimal | None = None
    height: Decimal | None = None
    in_stock: bool | None = None
    q: str | None = None
    include_deleted: bool = False


class ProductListQuery(BaseModel):
    """Everything the product list reads from the query string, validated in one pass: the
    list is the catalog's busiest read, and FastAPI resolves one model faster than a dozen
    separate parameters."""

    model_config = ConfigDict(frozen=True)

    branch_id: uuid.UUID | None = Field(
        None, description="Only this branch (admins); sellers see their own"
    )
    category: Category | None = None
    collection: str | None = Field(
        None, pattern=NO_NUL, max_length=60, description="Collection name, any case"
    )
    collection_id: uuid.UUID | None = None
    type: ProductType | None = None
    size: str | None = Field(
        None, pattern=NO_NUL, max_length=20, description="One of the product's sizes, e.g. 2×3"
    )
    width: SideMetres | None = None
    height: SideMetres | None = None
    in_stock: bool | None = None
    q: str | None = Field(
        None,
        pattern=NO_NUL,
        max_length=100,
        description="Part of the name; any case, o‘ = o' = o` = oʻ",
    )
    include_deleted: bool = Field(False, description="Deleted ones too (admin)")
    sort: ProductSort = "name"
    page: int = Field(1, ge=1, le=MAX_PAGE, description=PAGE_HELP)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=PAGE_SIZE_HELP)

    def filters(self) -> ProductFilters:
        """The declared filters' values (PRODUCT_FILTERS), normalised: a size as W×H, a
        collection sent by id as its id, blank text as no filter."""
        values: dict[str, Any] = {d.name: getattr(self, d.name) for d in PRODUCT_FILTERS}
        if self.size:
            try:
                values["size"] = parse_size(self.size)[0]
            except ValueError as exc:
                raise ValidationFailed.field("size", str(exc)) from exc
        collection = (self.collection.strip() or None) if self.collection else None
        sent_an_id = as_uuid(collection) if collection is not None else None
        if sent_an_id is not None and self.collection_id is None:
            collection, values["collection_id"] = None, sent_an_id
        values["collection"] = collection
        values["q"] = (self.q.strip() or None) if self.q else None
        return ProductFilters(**values, include_deleted=self.include_deleted)

    def page_params(self) -> PageParams:
        return PageParams(page=self.page, page_size=self.page_size)


# The drill-down's query: the product list's parameters that have a facet counterpart.
FacetQuery: type[BaseModel] = create_model(
    "FacetQuery",
    __config__=ConfigDict(frozen=True),
    **{  # type: ignore[call-overload]
        declared.name: (
            ProductListQuery.model_fields[declared.name].annotation,
            ProductListQuery.model_fields[declared.name],
        )
        for declared in PRODUCT_FILTERS
        if declared.facet is not None
    },
)


def facet_filters(query: BaseModel) -> ProductFilters:
    """The drill-down's filters: a collection's name trimmed, the rest as sent."""
    values = query.model_dump()
    collection = values.get("collection")
    values["collection"] = (collection.strip() or None) if collection else None
    return ProductFilters(**values)
