"""Goods receipts' refusals, each with its contract code."""

from __future__ import annotations

from decimal import Decimal

from carpet_shop.core.errors import Conflict, Forbidden, ValidationFailed
from carpet_shop.core.i18n import Message

HUNDREDTH = Decimal("0.01")


def over_receipt(
    number: str, name: str, size: str | None, ordered: Decimal, received: Decimal,
    requested: Decimal, line: int,
) -> Conflict:  # fmt: skip
    """409 CONFLICT: more than the order line still expects, and the director did not allow
    it on this receipt; details name the line and its figures."""
    remaining = max(ordered - received, Decimal(0))
    ordered, received, remaining, requested = (
        x.quantize(HUNDREDTH) for x in (ordered, received, remaining, requested)
    )
    return Conflict(
        Message(
            "{name} ({size}): purchase order {number} still expects {remaining} of"
            " {ordered}; this receipt brings {requested}",
            name=name,
            size=size or "-",
            number=number,
            remaining=str(remaining),
            ordered=str(ordered),
            requested=str(requested),
        ),
        details={
            "reason": "over_receipt",
            "field": f"lines.{line}.quantity",
            "ordered": str(ordered),
            "received": str(received),
            "remaining": str(remaining),
            "requested": str(requested),
        },
    )


def seller_price() -> Forbidden:
    return Forbidden("Prices are the director's: a seller sends no buy_price or currency")


def seller_terms() -> Forbidden:
    return Forbidden("Credit terms are the director's: a seller sends no on_credit or due_date")


def currency_without_price(line: int, ordered: object) -> ValidationFailed:
    return ValidationFailed.field(
        f"lines.{line}.currency",
        Message(
            "The order line is priced in {currency}: send a buy_price with another currency",
            currency=str(ordered),
        ),
    )


def amount_too_large(line: int) -> ValidationFailed:
    return ValidationFailed.field(
        f"lines.{line}.quantity", "This line's amount is more than the shop can record"
    )


def size_gone(name: str, size: str) -> Conflict:
    return Conflict(
        Message(
            "{name} no longer has the size {size}: its cost cannot be set", name=name, size=size
        ),
        details={"reason": "size_gone", "size": size},
    )


def seller_branch() -> Forbidden:
    return Forbidden("A seller receives goods into their own branch only")


def seller_over_receipt() -> Forbidden:
    return Forbidden("Only the director may receive more than was ordered")


def no_rate(day: object, field: str) -> ValidationFailed:
    return ValidationFailed.field(
        field,
        Message("No USD rate on or before {day}: record it at /api/currency-rates first", day=day),
    )


def not_awaiting_cost(number: str) -> Conflict:
    return Conflict(
        Message("Goods receipt {number} has its costs already", number=number),
        details={"status": "complete"},
    )
