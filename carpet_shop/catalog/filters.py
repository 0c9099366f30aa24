"""The product filters shared by the list, the facets and the quick find, and the list's query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.catalog.schemas import ProductSort
from carpet_shop.catalog.text import as_uuid, parse_size
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
        normal_size = None
        if self.size:
            try:
                normal_size = parse_size(self.size)[0]
            except ValueError as exc:
                raise ValidationFailed.field("size", str(exc)) from exc
        collection = (self.collection.strip() or None) if self.collection else None
        collection_id = self.collection_id
        sent_an_id = as_uuid(collection) if collection is not None else None
        if sent_an_id is not None and collection_id is None:
            collection, collection_id = None, sent_an_id
        return ProductFilters(
            category=self.category,
            collection=collection,
            collection_id=collection_id,
            type=self.type,
            size=normal_size,
            width=self.width,
            height=self.height,
            in_stock=self.in_stock,
            q=(self.q.strip() or None) if self.q else None,
            include_deleted=self.include_deleted,
        )

    def page_params(self) -> PageParams:
        return PageParams(page=self.page, page_size=self.page_size)
