"""The checks a product's fields must pass, on create and on update."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.branches.repository import BranchRepository
from carpet_shop.catalog import master
from carpet_shop.catalog.models import ProductType
from carpet_shop.catalog.text import parse_size
from carpet_shop.core.actor import Actor
from carpet_shop.core.errors import Forbidden, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.types import HUNDREDTH

ZERO = Decimal("0")


# What goods cost is the director's figure: a seller never writes it (nor reads it).
DIRECTORS_FIELDS = frozenset({"buy_price", "buy_price_per_m2"})


def directors_fields(actor: Actor, sent: Iterable[str]) -> None:
    """403 naming each of the director's fields a seller's request carries, even as null."""
    if actor.is_admin:
        return
    refused = sorted(DIRECTORS_FIELDS.intersection(sent))
    if refused:
        raise Forbidden(
            Message("Only the director sets {names}", names=", ".join(refused)),
            details={"fields": refused},
        )


def directors_price(
    actor: Actor, field: str, current: Decimal | None, given: Decimal | None
) -> None:
    """403 when a seller changes a price only the director sets (the dollar list price).
    Sellers see it, so a seller's app that sends it back unchanged is not refused."""
    if actor.is_admin or given == current:
        return
    raise Forbidden(
        Message("Only the director sets {names}", names=field), details={"fields": [field]}
    )


def own_branch(actor: Actor, branch_id: uuid.UUID) -> None:
    if not actor.scope().can_see(branch_id):
        raise Forbidden("Sellers may only manage products of their own branch")


def target_branch(session: Session, actor: Actor, branch_id: uuid.UUID | None) -> uuid.UUID:
    if branch_id is None:
        if actor.branch_id is None:
            raise ValidationFailed.field("branch_id", "Choose the branch the product is in")
        return actor.branch_id
    own_branch(actor, branch_id)
    if not BranchRepository(session).is_live(branch_id):
        raise ValidationFailed.field(
            "branch_id", Message("No branch {branch_id}", branch_id=branch_id)
        )
    return branch_id


def checked_sizes(
    session: Session, sizes: Sequence[str], collection_id: uuid.UUID
) -> list[tuple[str, Decimal, Decimal]]:
    unknown = master.unknown_sizes(session, sizes, collection_id)
    if unknown:
        raise ValidationFailed.field(
            "available_sizes",
            Message(
                "Not sizes of this collection: {names}; add them under /api/sizes",
                names=", ".join(unknown),
            ),
        )
    return [parse_size(s) for s in sizes]


def cents(value: Decimal) -> Decimal:
    # Inputs have at most two places; this only makes 175.5 read 175.50, as stored.
    return value.quantize(HUNDREDTH)


def cents_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else cents(value)


@dataclass(frozen=True)
class Prices:
    sell_price: Decimal
    sell_price_per_meter: Decimal | None


def prices(kind: ProductType, sell: Decimal | None, per_meter: Decimal | None) -> Prices:
    if kind == ProductType.UNIT:
        if per_meter is not None:
            raise ValidationFailed.field(
                "sell_price_per_meter", "Only meter products have a price per metre"
            )
        if sell is None:
            raise ValidationFailed.field("sell_price", "A sell price is required")
        return Prices(cents(sell), None)
    price = per_meter or sell
    if price is None:
        raise ValidationFailed.field("sell_price_per_meter", "A price per metre is required")
    # A roll is priced per metre; when only one of the two is sent, it carries both.
    return Prices(cents(sell or price), cents(price))


def check_threshold(kind: ProductType, threshold: Decimal | None) -> None:
    if kind == ProductType.UNIT and threshold is not None and threshold % 1:
        raise ValidationFailed.field("low_stock_threshold", "Whole pieces for a unit product")


def no_lengths(total: Decimal | None, remaining: Decimal | None) -> None:
    for field, value in (("total_length", total), ("remaining_length", remaining)):
        if value:
            raise ValidationFailed.field(field, "Only meter products have lengths")


def no_pieces(quantity: int | None) -> None:
    if quantity:
        raise ValidationFailed.field("quantity", "A meter product counts metres, not pieces")


def roll(total: Decimal | None, remaining: Decimal | None) -> tuple[Decimal, Decimal]:
    """(total_length, remaining_length) of a new roll; either defaults to the other."""
    total = total if total is not None else remaining
    remaining = remaining if remaining is not None else total
    total, remaining = total or ZERO, remaining or ZERO
    if remaining > total:
        raise ValidationFailed.field("remaining_length", "More than the roll's total_length")
    return total, remaining
