"""The stock ledger: the only way a product's stock changes.

Every change writes a movement in the same transaction as the document that caused it, so
the sum of a product's movements always equals its stock, and stock never goes below zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from carpet_shop.catalog.models import Product, ProductType, stock_of
from carpet_shop.catalog.sizes import resolve_size
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import InsufficientStock, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.ids import new_id
from carpet_shop.inventory.models import MovementKind, StockMovement
from carpet_shop.inventory.repository import StockRepository, StockRow


@dataclass(frozen=True)
class Document:
    """What caused a movement: e.g. Document("sale", sale.id)."""

    type: str
    id: uuid.UUID | None = None


class Stocked(Protocol):
    """What the ledger needs of a product: a loaded `Product`, or a row read as columns."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def branch_id(self) -> uuid.UUID: ...
    @property
    def type(self) -> ProductType: ...
    @property
    def name(self) -> str: ...
    @property
    def available_sizes(self) -> list[str] | None: ...


@dataclass(frozen=True)
class StockLine:
    product: Stocked
    amount: Decimal  # pieces or metres, > 0
    # The size that moves (any accepted spelling); left out, the product's only size. A
    # product without sizes keeps its stock on the product alone.
    size: str | None = None

    def resolved(self) -> str | None:
        return resolve_size(self.product.available_sizes, self.size, "size")


def _check_amount(product: Stocked, amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationFailed.field("quantity", "Must be more than zero")
    if product.type == ProductType.UNIT and amount != amount.to_integral_value():
        raise ValidationFailed.field(
            "quantity", Message("{name} is sold by whole pieces", name=product.name)
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed.field("quantity", "Lengths are exact to the centimetre")


def checked(line: StockLine) -> str | None:
    """The line's size, resolved, once its amount is one the ledger moves (422 otherwise):
    what `take` and `put` check of each line before moving it. A document that writes
    several first (`catalog.service.create_products`) checks each here before writing any."""
    _check_amount(line.product, line.amount)
    return line.resolved()


def _movement(
    clock: Clock,
    product: Stocked,
    size: str | None,
    kind: MovementKind,
    delta: Decimal,
    balance: Decimal,
    document: Document,
    user_id: uuid.UUID | None,
    reason: str | None,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "product_id": product.id,
        "size": size,
        "branch_id": product.branch_id,
        "kind": kind,
        "delta": delta,
        "balance_after": balance,
        "document_type": document.type,
        "document_id": document.id,
        "user_id": user_id,
        "reason": reason,
        # Read after the UPDATE holds the product's row: on PostgreSQL a document may have
        # waited there for another, and the ledger is read in this order.
        "created_at": clock.now(),
    }


def _sync(product: Stocked, row: StockRow) -> Decimal:
    """The new balance after the UPDATE; a loaded `Product` also gets the changed row, as
    loaded state rather than changes (which the next flush would write again)."""
    quantity, remaining_length, total_length, updated_at = row
    if isinstance(product, Product):
        set_committed_value(product, "quantity", quantity)
        set_committed_value(product, "remaining_length", remaining_length)
        set_committed_value(product, "total_length", total_length)
        set_committed_value(product, "updated_at", updated_at)
    return stock_of(product.type, quantity, remaining_length)


def _shift(
    repo: StockRepository, clock: Clock, product: Stocked, size: str | None, delta: Decimal
) -> tuple[StockRow | None, Decimal]:
    """Move the product's (and its size's) stock: the product's new row, or None when it
    is gone or short, and the balance the movement records (the size's, when it has one)."""
    if size is None:
        shifted = repo.shift(product.id, product.type, delta, clock.now())
        return shifted, Decimal(0) if shifted is None else _sync(product, shifted)
    row, sized = repo.shift_sized(product.id, size, product.type, delta, clock.now())
    if row is None or sized is None:
        return None, Decimal(0)
    _sync(product, row)
    if isinstance(product, Product) and "size_rows" in product.__dict__:
        for loaded in product.size_rows:
            if loaded.size == size:
                set_committed_value(loaded, "quantity", sized[0])
                set_committed_value(loaded, "remaining_length", sized[1])
                set_committed_value(loaded, "total_length", sized[2])
    return row, stock_of(product.type, sized[0], sized[1])


def _write(repo: StockRepository, movements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Written at once, as one prepared INSERT, and answered as the rows written: nothing
    # reads a movement back before the document's transaction ends, so the unit of work has
    # nothing to track and a sale makes no object it would not use.
    repo.append(movements)
    return movements


def take(
    session: Session,
    clock: Clock,
    lines: Sequence[StockLine],
    kind: MovementKind,
    document: Document,
    user_id: uuid.UUID | None,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Take stock for every line, or none: one short line refuses the whole document.

    The caller's transaction is rolled back by the InsufficientStock error, which names every
    short product and what it has.
    """
    repo = StockRepository(session)
    movements: list[dict[str, Any]] = []
    shortages: list[dict[str, object]] = []
    for line in lines:
        size = checked(line)
        shifted, balance = _shift(repo, clock, line.product, size, -line.amount)
        if shifted is None:
            current = repo.lock_product(line.product.id)
            if current is None:
                raise NotFound.of("Product", line.product.id)
            available = current.stock
            if size is not None:
                row = repo.size_row(line.product.id, size)
                available = Decimal(0) if row is None else stock_of(current.type, *row[:2])
            shortage: dict[str, object] = {
                "product_id": str(line.product.id),
                "name": line.product.name,
                "requested": str(line.amount),
                "available": str(available),
                "unit": "m" if line.product.type == ProductType.METER else "pcs",
            }
            if size is not None:
                shortage["size"] = size
            shortages.append(shortage)
            continue
        movements.append(
            _movement(
                clock, line.product, size, kind, -line.amount, balance, document, user_id, reason
            )
        )
    if shortages:
        names = ", ".join(str(s["name"]) for s in shortages)
        raise InsufficientStock(
            Message("Not enough stock: {names}", names=names), details={"products": shortages}
        )
    return _write(repo, movements)


def put(
    session: Session,
    clock: Clock,
    lines: Sequence[StockLine],
    kind: MovementKind,
    document: Document,
    user_id: uuid.UUID | None,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Add stock back or in (returns, receipts of transfers, cancellations, imports)."""
    return put_each(session, clock, [(document, lines)], kind, user_id, reason)


def put_each(
    session: Session,
    clock: Clock,
    documents: Sequence[tuple[Document, Sequence[StockLine]]],
    kind: MovementKind,
    user_id: uuid.UUID | None,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """`put` for several documents at once (the new products of an import, each its own
    document): each line moved and recorded as `put` does, the movements of all written
    together."""
    repo = StockRepository(session)
    movements = []
    for document, lines in documents:
        for line in lines:
            size = checked(line)
            shifted, balance = _shift(repo, clock, line.product, size, line.amount)
            if shifted is None:
                raise NotFound.of("Product", line.product.id)
            movement = _movement(
                clock, line.product, size, kind, line.amount, balance, document, user_id, reason
            )
            movements.append(movement)
    return _write(repo, movements)


def set_level(
    session: Session,
    clock: Clock,
    product: Product,
    counted: Decimal,
    kind: MovementKind,
    document: Document,
    user_id: uuid.UUID | None,
    reason: str | None = None,
    size: str | None = None,
) -> StockMovement | None:
    """Make the stock (of `size`, left out: the only size) equal `counted` (a stock count or
    an edit); None if it already is."""
    if counted < 0:
        raise ValidationFailed.field("quantity", "Stock cannot be negative")
    repo = StockRepository(session)
    locked = repo.lock_product(product.id)
    if locked is None:
        raise NotFound.of("Product", product.id)
    resolved = resolve_size(locked.available_sizes, size, "size")
    stock = locked.stock
    if resolved is not None:
        row = repo.size_row(locked.id, resolved)
        stock = Decimal(0) if row is None else stock_of(locked.type, row[0], row[1])
    delta = counted - stock
    if delta == 0:
        return None
    line = [StockLine(locked, abs(delta), resolved)]
    moved = (take if delta < 0 else put)(session, clock, line, kind, document, user_id, reason)
    return StockMovement(**moved[0])
