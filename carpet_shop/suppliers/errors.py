"""The suppliers' domain errors, each with its CONTRACT.md code."""

from __future__ import annotations

import uuid

from carpet_shop.core.errors import Conflict, NotFound
from carpet_shop.core.i18n import Message
from carpet_shop.suppliers.models import Supplier


def supplier_not_found(supplier_id: uuid.UUID) -> NotFound:
    return NotFound.of("Supplier", supplier_id)


def phone_taken(existing: Supplier) -> Conflict:
    """409: a live supplier already has this number (a deleted one frees it)."""
    return Conflict(
        Message(
            "Phone {phone} already belongs to supplier {name}",
            phone=existing.phone,
            name=existing.name,
        ),
        details={
            "field": "phone",
            "supplier_id": str(existing.id),
            "supplier": {"id": str(existing.id), "name": existing.name, "phone": existing.phone},
        },
    )


def still_owed(supplier: Supplier) -> Conflict:
    return Conflict(
        "The shop still owes this supplier or awaits goods from them; settle that first",
        details={"supplier_id": str(supplier.id)},
    )


def not_deleted() -> Conflict:
    return Conflict("This supplier is not deleted")
