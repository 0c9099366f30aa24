"""Sizes are stock: which of a product's sizes a document means, and what a size costs.

Shared by every domain that moves stock (sales, returns, transfers, counts) and by the
ledger; it reads nothing from the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from carpet_shop.catalog.text import format_metres, parse_size
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.i18n import Message

ONE_SOM = Decimal("1")
# A roll's remainder shorter than this (metres) is an offcut, sold as a piece; the shop's
# OFFCUT_LENGTH setting changes it.
DEFAULT_OFFCUT_LENGTH = Decimal("0.5")


def resolve_size(available: Sequence[str] | None, given: str | None, field: str) -> str | None:
    """The size a stock document names, normalised; None for a product without sizes.

    Left out, it is the product's only size; a product with several needs it (422), even
    when only one of them has stock (CONTRACT.md, "Sizes as stock": it may be left out only
    when the product has one size), so a document never lands on a size nobody named.
    """
    sizes = list(available or [])
    if given is None or given == "":
        if not sizes:
            return None
        if len(sizes) == 1:
            return sizes[0]
        raise ValidationFailed.field(
            field,
            Message("Say which size: one of {sizes}", sizes=", ".join(sizes)),
        )
    try:
        size = parse_size(given)[0]
    except ValueError as exc:
        raise ValidationFailed.field(field, str(exc)) from exc
    if size not in sizes:
        if not sizes:
            raise ValidationFailed.field(field, "This product has no sizes")
        raise ValidationFailed.field(
            field,
            Message("No such size of this product: one of {sizes}", sizes=", ".join(sizes)),
        )
    return size


def area_price(rate: Decimal, width: Decimal, height: Decimal, step: Decimal | None) -> Decimal:
    """width × height × rate per m², rounded half up to `step` so'm (whole so'm by default)."""
    unit = step if step is not None and step > 0 else ONE_SOM
    exact = width * height * rate
    return ((exact / unit).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * unit).quantize(
        Decimal("0.01")
    )


def size_price(
    own: Decimal | None,
    rate_per_m2: Decimal | None,
    width: Decimal,
    height: Decimal,
    step: Decimal | None,
    product_price: Decimal | None,
    *,
    meter: bool,
) -> Decimal | None:
    """A size's price: its own, else area × the product's rate per m² (pieces only; a roll is
    priced per metre), else the product's own price."""
    if own is not None:
        return own
    if rate_per_m2 is not None and not meter:
        return area_price(rate_per_m2, width, height, step)
    return product_price


def cut_size(width: Decimal, metres: Decimal) -> str:
    """The piece a cut from a roll makes: W×metres, e.g. 3×2.5."""
    return f"{format_metres(width)}×{format_metres(metres)}"


def is_offcut(remaining: Decimal | None, threshold: Decimal) -> bool:
    return remaining is not None and Decimal(0) < remaining < threshold
