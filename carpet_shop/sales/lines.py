"""The receipt a sale body describes, whichever of its two forms it uses, with the body
path of each line for error messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.money import ZERO
from carpet_shop.sales import payments as sale_payments
from carpet_shop.sales.schemas import SaleCreate


@dataclass(frozen=True)
class ItemLine:
    product_id: uuid.UUID
    quantity: Decimal
    amount: Decimal
    field: str  # "items.0" or "" (the one-product body), for error messages
    size: str | None = None

    def at(self, name: str) -> str:
        return f"{self.field}.{name}" if self.field else name


@dataclass(frozen=True)
class Receipt:
    items: list[ItemLine]
    payments: list[sale_payments.PaymentLine]


def _fields_error(errors: list[tuple[str, str]]) -> ValidationFailed:
    return ValidationFailed(
        errors[0][1], details={"fields": [{"field": f, "message": m} for f, m in errors]}
    )


def receipt_of(body: SaleCreate) -> Receipt:
    """The receipt a body describes, whichever of the two forms it uses."""
    single = {"product_id": body.product_id, "quantity": body.quantity, "amount": body.amount}
    if body.items is not None and body.size is not None:
        raise _fields_error([("size", "Send either items or product_id")])
    if body.items is not None:
        mixed = [
            (name, "Send either items or product_id") for name, v in single.items() if v is not None
        ]
        if body.payments is not None and body.payment_type is not None:
            mixed.append(("payment_type", "Send either payments or payment_type"))
        if body.payments is None and body.payment_type is None:
            mixed.append(("payments", "How was it paid? Send payments or payment_type"))
        if mixed:
            raise _fields_error(mixed)
        items = [
            ItemLine(i.product_id, i.quantity, i.amount, f"items.{n}", i.size)
            for n, i in enumerate(body.items)
        ]
        total = sum((i.amount for i in items), ZERO)
        if body.payments is not None:
            paid = [
                sale_payments.PaymentLine(p.payment_type, p.amount, f"payments.{n}.payment_type")
                for n, p in enumerate(body.payments)
            ]
        else:
            assert body.payment_type is not None
            paid = [sale_payments.PaymentLine(body.payment_type, total, "payment_type")]
        return Receipt(items, paid)
    if body.payments is not None:
        raise _fields_error([("items", "A receipt with payments needs items")])
    missing = [(n, "Field required") for n, v in single.items() if v is None]
    if body.payment_type is None:
        missing.append(("payment_type", "Field required"))
    if missing:
        raise _fields_error(missing)
    assert body.product_id and body.quantity and body.amount and body.payment_type
    return Receipt(
        [ItemLine(body.product_id, body.quantity, body.amount, "", body.size)],
        [sale_payments.PaymentLine(body.payment_type, body.amount, "payment_type")],
    )
