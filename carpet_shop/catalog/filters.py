"""The product filters shared by the list, the facets and the quick find, read from the query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from fastapi import Query

from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.catalog.text import as_uuid, parse_size
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.schemas import NO_NUL

QueryMetres = Annotated[
    Decimal | None,
    Query(gt=0, le=100, max_digits=5, decimal_places=2, description="Metres, e.g. 2 or 1.5"),
]


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


async def product_filters(
    category: Category | None = None,
    collection: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=60, description="Collection name, any case")
    ] = None,
    collection_id: uuid.UUID | None = None,
    type: ProductType | None = None,
    size: Annotated[
        str | None,
        Query(pattern=NO_NUL, max_length=20, description="One of the product's sizes, e.g. 2×3"),
    ] = None,
    width: QueryMetres = None,
    height: QueryMetres = None,
    in_stock: bool | None = None,
    q: Annotated[
        str | None,
        Query(
            pattern=NO_NUL,
            max_length=100,
            description="Part of the name; any case, o‘ = o' = o` = oʻ",
        ),
    ] = None,
) -> ProductFilters:
    normal_size = None
    if size:
        try:
            normal_size = parse_size(size)[0]
        except ValueError as exc:
            raise ValidationFailed.field("size", str(exc)) from exc
    collection = (collection.strip() or None) if collection else None
    sent_an_id = as_uuid(collection) if collection is not None else None
    if sent_an_id is not None and collection_id is None:
        collection, collection_id = None, sent_an_id
    return ProductFilters(
        category=category,
        collection=collection,
        collection_id=collection_id,
        type=type,
        size=normal_size,
        width=width,
        height=height,
        in_stock=in_stock,
        q=(q.strip() or None) if q else None,
    )
