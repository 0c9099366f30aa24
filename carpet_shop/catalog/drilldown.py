"""The drill-down Category → Collection → Width → Height: which level a request asks for,
and how the one GROUP BY row set of that level is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carpet_shop.catalog.filters import ProductFilters
from carpet_shop.catalog.models import Category
from carpet_shop.catalog.schemas import FacetLevel, Facets, FacetValue
from carpet_shop.catalog.text import format_metres

_CATEGORY_ORDER = list(Category)  # as the specification lists them


def level(filters: ProductFilters) -> FacetLevel:
    """The level below the deepest filter given."""
    if filters.width is not None:
        return "height"
    if filters.collection is not None or filters.collection_id is not None:
        return "width"
    if filters.category is not None:
        return "collection"
    return "category"


def shape(level: FacetLevel, rows: Sequence[tuple[Any, ...]]) -> Facets:
    items: list[FacetValue] = []
    if level == "category":
        for category, count, stocked in sorted(rows, key=lambda r: _CATEGORY_ORDER.index(r[0])):
            items.append(FacetValue(value=category.value, count=count, in_stock=stocked))
    elif level == "collection":
        for collection_id, name, icon, count, stocked in rows:
            items.append(
                FacetValue(value=name, id=collection_id, icon=icon, count=count, in_stock=stocked)
            )
    else:
        for metres, count, stocked in rows:
            items.append(
                FacetValue(
                    value=format_metres(metres), metres=metres, count=count, in_stock=stocked
                )
            )
    return Facets(level=level, items=items)
