"""Suppliers: the factories and wholesalers the shop buys from. The director's alone.

One shop-wide registry (like customers): a live supplier's phone is unique, a deleted one
frees it; deleting is soft and refused while the shop owes the supplier or awaits an order
from them; every change is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.catalog.text import search_key
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict
from carpet_shop.core.pagination import PageParams
from carpet_shop.suppliers import errors
from carpet_shop.suppliers.models import Supplier
from carpet_shop.suppliers.repository import SupplierFilters, SupplierRepository
from carpet_shop.suppliers.schemas import SupplierCreate, SupplierUpdate

ENTITY = "supplier"
# The search_name column's length: folding may lengthen a name ("ß" -> "ss", "ﬀ" -> "ff").
SEARCH_NAME_LENGTH = 120
AUDITED_FIELDS = ("name", "phone", "country", "currency", "note")


def _search_name(name: str) -> str:
    return search_key(name)[:SEARCH_NAME_LENGTH]


def get_supplier(
    session: Session, supplier_id: uuid.UUID, *, include_deleted: bool = False
) -> Supplier:
    repo = SupplierRepository(session)
    supplier = repo.get(supplier_id) if include_deleted else repo.get_live(supplier_id)
    if supplier is None:
        raise errors.supplier_not_found(supplier_id)
    return supplier


def list_suppliers(
    session: Session, page: PageParams, filters: SupplierFilters
) -> tuple[Sequence[Supplier], int]:
    repo = SupplierRepository(session)
    return repo.paginate(repo.search(filters), page)


def _taken_conflict(repo: SupplierRepository, phone: str | None) -> Conflict:
    winner = repo.phone_taken(phone) if phone else None
    return errors.phone_taken(winner) if winner else Conflict("The phone is already taken")


def create_supplier(session: Session, actor: Actor, clock: Clock, data: SupplierCreate) -> Supplier:
    repo = SupplierRepository(session)
    if data.phone is not None:
        existing = repo.phone_taken(data.phone)
        if existing is not None:
            raise errors.phone_taken(existing)
    now = clock.now()
    supplier = Supplier(
        name=data.name,
        search_name=_search_name(data.name),
        phone=data.phone,
        country=data.country,
        currency=data.currency,
        note=data.note,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    if not repo.change_unique(lambda: session.add(supplier)):
        # Another request registered the same phone between our read and our insert.
        raise _taken_conflict(repo, data.phone)
    audit.log_created(session, actor, clock, ENTITY, supplier, AUDITED_FIELDS)
    return supplier


def update_supplier(
    session: Session, actor: Actor, clock: Clock, supplier_id: uuid.UUID, data: SupplierUpdate
) -> Supplier:
    repo = SupplierRepository(session)
    supplier = get_supplier(session, supplier_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("phone") is not None:
        taken = repo.phone_taken(changes["phone"], except_id=supplier.id)
        if taken is not None:
            raise errors.phone_taken(taken)
    before = audit.snapshot(supplier, AUDITED_FIELDS)
    if all(before[field] == value for field, value in changes.items()):
        return supplier

    def apply() -> None:
        for field, value in changes.items():
            setattr(supplier, field, value)
        if "name" in changes:
            supplier.search_name = _search_name(supplier.name)
        supplier.updated_at = clock.now()

    if not repo.change_unique(apply):
        raise _taken_conflict(repo, changes.get("phone"))
    audit.log_updated(session, actor, clock, ENTITY, supplier, before)
    return supplier


def delete_supplier(session: Session, actor: Actor, clock: Clock, supplier_id: uuid.UUID) -> None:
    """Soft delete; 409 while a payable to them is unpaid or an order of theirs is on its way.
    Their orders, receipts and payments keep naming them."""
    repo = SupplierRepository(session)
    supplier = get_supplier(session, supplier_id)
    if repo.has_open_business(supplier.id):
        raise errors.still_owed(supplier)
    now = clock.now()
    repo.soft_delete(supplier, by=actor.id, at=now)
    audit.log_deleted(session, actor, clock, ENTITY, supplier.id, now)


def restore_supplier(
    session: Session, actor: Actor, clock: Clock, supplier_id: uuid.UUID
) -> Supplier:
    """Undo a delete; 409 when a live supplier has taken the phone meanwhile."""
    repo = SupplierRepository(session)
    supplier = get_supplier(session, supplier_id, include_deleted=True)
    if supplier.deleted_at is None:
        raise errors.not_deleted()
    if supplier.phone is not None:
        taken = repo.phone_taken(supplier.phone, except_id=supplier.id)
        if taken is not None:
            raise errors.phone_taken(taken)
    deleted_at = supplier.deleted_at

    def apply() -> None:
        repo.restore(supplier)
        supplier.updated_at = clock.now()

    if not repo.change_unique(apply):
        raise _taken_conflict(repo, supplier.phone)
    audit.log_restored(session, actor, clock, ENTITY, supplier.id, deleted_at)
    return supplier
