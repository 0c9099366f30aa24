"""Transfers between branches: the director sends stock, the target branch receives it.

The stock leaves the source product when the transfer starts and is in no branch while in
transit; receiving puts it on the matching product of the target branch, cancelling puts it
back. Each step is one transaction with its ledger movements and audit entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.sizes import resolve_size
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import (
    Conflict,
    Forbidden,
    InsufficientStock,
    NotFound,
    ValidationFailed,
)
from carpet_shop.core.i18n import Message
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.notifications import triggers as notify
from carpet_shop.transfers.models import Transfer, TransferStatus
from carpet_shop.transfers.repository import TransferRepository
from carpet_shop.transfers.schemas import BatchCreate, Direction, TransferCreate

ENTITY = "transfer"


def _document(transfer_id: uuid.UUID) -> ledger.Document:
    return ledger.Document(ENTITY, transfer_id)


def get_transfer(session: Session, transfer_id: uuid.UUID) -> Transfer:
    transfer = TransferRepository(session).get(transfer_id)
    if transfer is None:
        raise NotFound.of("Transfer", transfer_id)
    return transfer


def _lock_ends(session: Session, from_branch_id: uuid.UUID, to_branch_id: uuid.UUID) -> None:
    """Transfers between two branches take turns. Locking both branches first, in one order,
    keeps the row locks that follow (transfer, source and target products) deadlock-free; it
    also means two receipts of the same goods make one product in the target branch."""
    branches_service.lock_branches(session, (from_branch_id, to_branch_id))


def read_transfer(session: Session, scope: BranchScope, transfer_id: uuid.UUID) -> Transfer:
    transfer = get_transfer(session, transfer_id)
    scope.check(
        transfer.from_branch_id,
        transfer.to_branch_id,
        refusal="This transfer is between other branches",
    )
    return transfer


def list_transfers(
    session: Session,
    scope: BranchScope,
    page: PageParams,
    *,
    status: TransferStatus | None = None,
    direction: Direction | None = None,
    product_id: uuid.UUID | None = None,
) -> tuple[Sequence[Transfer], int]:
    repo = TransferRepository(session)
    stmt = repo.listing(scope, status=status, direction=direction, product_id=product_id)
    return repo.paginate(stmt, page)


def count_in_transit(session: Session, scope: BranchScope) -> int:
    """Transfers on their way into or out of the scope's branches."""
    repo = TransferRepository(session)
    return repo.count(
        repo.listing(scope, status=TransferStatus.IN_TRANSIT, direction=None, product_id=None)
    )


def start(
    session: Session,
    actor: Actor,
    clock: Clock,
    product_id: uuid.UUID,
    data: TransferCreate,
    *,
    low_stock: LowStockDefaults,
) -> Transfer:
    product = catalog_service.get_product(session, product_id)
    if data.to_branch_id == product.branch_id:
        raise ValidationFailed.field("to_branch_id", "The product is already in this branch")
    if not BranchRepository(session).is_live(data.to_branch_id):
        raise ValidationFailed.field(
            "to_branch_id", Message("No branch {to_branch_id}", to_branch_id=data.to_branch_id)
        )
    _lock_ends(session, product.branch_id, data.to_branch_id)
    transfer_id = new_id()
    # Refused as a whole (409 INSUFFICIENT_STOCK) before anything is written.
    # Left out, the size is the product's only one (several: 422).
    moved = ledger.take(
        session,
        clock,
        [ledger.StockLine(product, data.quantity, data.size)],
        MovementKind.TRANSFER_OUT,
        _document(transfer_id),
        actor.id,
        data.note,
    )
    notify.stock_taken(session, clock, low_stock, {product.id: product}, moved)
    transfer = TransferRepository(session).add(
        Transfer(
            id=transfer_id,
            product_id=product.id,
            product=product,
            from_branch_id=product.branch_id,
            to_branch_id=data.to_branch_id,
            size=moved[0]["size"],
            quantity=data.quantity,
            status=TransferStatus.IN_TRANSIT,
            note=data.note,
            created_by_id=actor.id,
            created_at=clock.now(),
        )
    )
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        ENTITY,
        transfer.id,
        audit.created(
            audit.snapshot(
                transfer, ("product_id", "from_branch_id", "to_branch_id", "quantity", "status")
            )
        ),
    )
    notify.transfer_step(session, clock, transfer, "sent", actor.id)
    if data.complete:
        receive(session, actor, clock, transfer.id)
    return transfer


def _check_in_transit(transfer: Transfer) -> None:
    if transfer.status != TransferStatus.IN_TRANSIT:
        raise Conflict(
            Message(
                "This transfer is already {status}", status=Message(transfer.status.value.lower())
            ),
            details={"status": transfer.status.value},
        )


def _close(
    session: Session,
    actor: Actor,
    clock: Clock,
    transfer: Transfer,
    status: TransferStatus,
    values: dict[str, Any],
) -> None:
    _check_in_transit(transfer)
    if not TransferRepository(session).close(transfer, status, **values):
        raise Conflict("This transfer is no longer in transit: received or cancelled meanwhile")
    audit.log(
        session,
        actor,
        clock,
        AuditAction.UPDATE,
        ENTITY,
        transfer.id,
        {"status": {"old": TransferStatus.IN_TRANSIT.value, "new": status.value}},
    )


def _single(transfer: Transfer) -> None:
    if transfer.batch_id is not None:
        raise Conflict(
            "This transfer is part of a bulk transfer: receive or cancel it as a whole",
            details={"batch_id": str(transfer.batch_id)},
        )


def receive(session: Session, actor: Actor, clock: Clock, transfer_id: uuid.UUID) -> Transfer:
    """Put the stock on the target branch's matching product (made if it has none)."""
    transfer = get_transfer(session, transfer_id)
    _single(transfer)
    return _receive(session, actor, clock, transfer)


def _receive(session: Session, actor: Actor, clock: Clock, transfer: Transfer) -> Transfer:
    if not actor.is_admin and actor.branch_id != transfer.to_branch_id:
        raise Forbidden("Only the director or a seller of the receiving branch may receive it")
    _check_in_transit(transfer)
    _lock_ends(session, transfer.from_branch_id, transfer.to_branch_id)
    if not BranchRepository(session).is_live(transfer.to_branch_id):
        raise Conflict("The receiving branch was deleted; cancel the transfer")
    target = catalog_service.matching_in_branch(
        session, actor, clock, transfer.product, transfer.to_branch_id
    )
    _close(
        session,
        actor,
        clock,
        transfer,
        TransferStatus.COMPLETED,
        {"received_by_id": actor.id, "received_at": clock.now(), "target_product_id": target.id},
    )
    ledger.put(
        session,
        clock,
        # The target product has the same sizes: the stock arrives on the size sent.
        [ledger.StockLine(target, transfer.quantity, transfer.size)],
        MovementKind.TRANSFER_IN,
        _document(transfer.id),
        actor.id,
    )
    notify.transfer_step(session, clock, transfer, "received", actor.id)
    return transfer


def cancel(session: Session, actor: Actor, clock: Clock, transfer_id: uuid.UUID) -> Transfer:
    """Give the stock back to the product it left."""
    transfer = get_transfer(session, transfer_id)
    _single(transfer)
    return _cancel(session, actor, clock, transfer)


def _cancel(session: Session, actor: Actor, clock: Clock, transfer: Transfer) -> Transfer:
    _lock_ends(session, transfer.from_branch_id, transfer.to_branch_id)
    _close(
        session,
        actor,
        clock,
        transfer,
        TransferStatus.CANCELLED,
        {"cancelled_by_id": actor.id, "cancelled_at": clock.now()},
    )
    ledger.put(
        session,
        clock,
        [ledger.StockLine(transfer.product, transfer.quantity, transfer.size)],
        MovementKind.TRANSFER_CANCELLED,
        _document(transfer.id),
        actor.id,
    )
    notify.transfer_step(session, clock, transfer, "cancelled", actor.id)
    return transfer


# Bulk transfers: one document of several products to one branch.


def start_batch(
    session: Session,
    actor: Actor,
    clock: Clock,
    data: BatchCreate,
    *,
    low_stock: LowStockDefaults,
) -> list[Transfer]:
    """Send several products to one branch as one document: every product leaves, or none
    does (409 INSUFFICIENT_STOCK names every short product). Each product is a transfer of
    its own in the ledger and the audit trail, sharing the document's `batch_id`."""
    if not BranchRepository(session).is_live(data.to_branch_id):
        raise ValidationFailed.field(
            "to_branch_id", Message("No branch {to_branch_id}", to_branch_id=data.to_branch_id)
        )
    # Sizes are stock: a product may be listed once per size.
    seen: set[tuple[uuid.UUID, str | None]] = set()
    products = []
    sizes: list[str | None] = []
    for i, item in enumerate(data.items):
        product = catalog_service.get_product(session, item.product_id)
        size = resolve_size(product.available_sizes, item.size, f"items.{i}.size")
        if (item.product_id, size) in seen:
            raise ValidationFailed.field(f"items.{i}.product_id", "This product is listed twice")
        seen.add((item.product_id, size))
        if product.branch_id == data.to_branch_id:
            raise ValidationFailed.field(
                f"items.{i}.product_id",
                Message("{name} is already in this branch", name=product.name),
            )
        products.append(product)
        sizes.append(size)
    branches_service.lock_branches(session, {p.branch_id for p in products} | {data.to_branch_id})
    batch_id = new_id()
    repo = TransferRepository(session)
    shortages: list[object] = []
    transfers = []
    moved: list[dict[str, Any]] = []
    for item, product, size in zip(data.items, products, sizes, strict=True):
        transfer_id = new_id()
        try:
            moved += ledger.take(
                session,
                clock,
                [ledger.StockLine(product, item.quantity, size)],
                MovementKind.TRANSFER_OUT,
                _document(transfer_id),
                actor.id,
                data.note,
            )
        except InsufficientStock as short:
            # Go on, to name every short product; the error below rolls back what was taken.
            shortages.extend(short.details.get("products", []))
            continue
        transfer = repo.add(
            Transfer(
                id=transfer_id,
                product_id=product.id,
                product=product,
                from_branch_id=product.branch_id,
                to_branch_id=data.to_branch_id,
                size=size,
                quantity=item.quantity,
                status=TransferStatus.IN_TRANSIT,
                note=data.note,
                created_by_id=actor.id,
                created_at=clock.now(),
                batch_id=batch_id,
            )
        )
        audit.log(
            session,
            actor,
            clock,
            AuditAction.CREATE,
            ENTITY,
            transfer.id,
            audit.created(
                audit.snapshot(
                    transfer,
                    (
                        "product_id",
                        "from_branch_id",
                        "to_branch_id",
                        "quantity",
                        "status",
                        "batch_id",
                    ),
                )
            ),
        )
        transfers.append(transfer)
    if shortages:
        names = ", ".join(str(s["name"]) for s in shortages if isinstance(s, dict))
        raise InsufficientStock(
            Message("Not enough stock: {names}", names=names), details={"products": shortages}
        )
    notify.stock_taken(session, clock, low_stock, {p.id: p for p in products}, moved)
    if data.complete:
        return receive_batch(session, actor, clock, batch_id)
    return transfers


def read_batch(session: Session, scope: BranchScope, batch_id: uuid.UUID) -> list[Transfer]:
    transfers = TransferRepository(session).of_batch(batch_id)
    if not transfers:
        raise NotFound.of("Bulk transfer", batch_id)
    scope.check(
        *(end for t in transfers for end in (t.from_branch_id, t.to_branch_id)),
        refusal="This transfer is between other branches",
    )
    return transfers


def _batch_in_transit(session: Session, batch_id: uuid.UUID) -> list[Transfer]:
    transfers = TransferRepository(session).of_batch(batch_id)
    if not transfers:
        raise NotFound.of("Bulk transfer", batch_id)
    for transfer in transfers:
        _check_in_transit(transfer)
    return transfers


def receive_batch(
    session: Session, actor: Actor, clock: Clock, batch_id: uuid.UUID
) -> list[Transfer]:
    """Receive every product of the document, or none."""
    transfers = _batch_in_transit(session, batch_id)
    return [_receive(session, actor, clock, t) for t in transfers]


def cancel_batch(
    session: Session, actor: Actor, clock: Clock, batch_id: uuid.UUID
) -> list[Transfer]:
    """Give every product of the document back to the branch it left."""
    transfers = _batch_in_transit(session, batch_id)
    return [_cancel(session, actor, clock, t) for t in transfers]
