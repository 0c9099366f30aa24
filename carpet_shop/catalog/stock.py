"""How much of a product is on hand, in SQL: pieces and metres compared in one unit."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, cast, func, type_coerce

from carpet_shop.catalog.models import Product, ProductSize, ProductType


def raw_hundredths(column: Any) -> ColumnElement[int]:
    """A hundredths column as the integer it is stored as, for arithmetic across columns."""
    return type_coerce(column, BigInteger)


# Built once: SQL expressions are immutable, and the busiest queries use them every time.
@functools.cache
def stock_hundredths() -> ColumnElement[int]:
    """Pieces or metres on hand, in hundredths, so both kinds compare and sort together."""
    return case(
        # BIGINT first: PostgreSQL's integer would overflow at 21 million pieces.
        (Product.type == ProductType.UNIT, cast(Product.quantity, BigInteger) * 100),
        else_=func.coalesce(raw_hundredths(Product.remaining_length), 0),
    )


@functools.cache
def in_stock() -> ColumnElement[bool]:
    return stock_hundredths() > 0


@functools.cache
def size_stock_hundredths() -> ColumnElement[int]:
    """One size's own stock in hundredths, like `stock_hundredths` (joined to its product)."""
    return case(
        (Product.type == ProductType.UNIT, cast(ProductSize.quantity, BigInteger) * 100),
        else_=func.coalesce(raw_hundredths(ProductSize.remaining_length), 0),
    )


@functools.cache
def size_in_stock() -> ColumnElement[bool]:
    """One size's own stock (sizes are stock): pieces of it, or metres left on its roll."""
    return (ProductSize.quantity > 0) | (
        func.coalesce(raw_hundredths(ProductSize.remaining_length), 0) > 0
    )
