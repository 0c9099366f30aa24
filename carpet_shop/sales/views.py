"""A sale as the app shows it (header, items with their product, payments) and the two read
shapes made from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from carpet_shop.catalog.models import ProductType
from carpet_shop.core.money import round_money
from carpet_shop.sales.models import PaymentType, Sale, SaleItem, SalePayment
from carpet_shop.sales.schemas import (
    PaymentRead,
    SaleAdminRead,
    SaleDebtRead,
    SaleItemAdminRead,
    SaleItemRead,
    SaleRead,
)


@dataclass(frozen=True)
class ItemView:
    item: SaleItem
    product_name: str
    collection_name: str
    product_type: ProductType
    sizes: Sequence[str]
    photo_thumb: str | None


@dataclass(frozen=True)
class SaleView:
    sale: Sale
    branch_name: str
    seller_name: str
    items: Sequence[ItemView]
    payments: Sequence[SalePayment]
    debt: SaleDebtRead | None = None


def _size(sizes: Sequence[str]) -> str | None:
    return ", ".join(sizes) if sizes else None


def _item_fields(view: ItemView) -> dict[str, Any]:
    item = view.item
    return {
        "id": item.id,
        "position": item.position,
        "product_id": item.product_id,
        "product_name": view.product_name,
        "collection_name": view.collection_name,
        "product_type": view.product_type,
        "size": item.size or _size(view.sizes),
        "cut_size": item.cut_size,
        "photo_thumb": view.photo_thumb,
        "quantity": item.quantity,
        "amount": item.amount,
        "list_price": item.list_price,
        "standard_price": item.standard_price,
        "discount_id": item.discount_id,
        "discount_amount": item.discount_amount,
        "extra_profit": item.extra_profit,
        "returned_quantity": item.returned_quantity,
        "refunded_amount": item.refunded_amount,
    }


def _payment_type(payments: Sequence[SalePayment]) -> PaymentType | Literal["mixed"]:
    kinds = {p.payment_type for p in payments}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _sale_fields(view: SaleView) -> dict[str, Any]:
    sale = view.sale
    single = view.items[0].item if len(view.items) == 1 else None
    return {
        "id": sale.id,
        "receipt_number": sale.receipt_number,
        "branch_id": sale.branch_id,
        "branch_name": view.branch_name,
        "seller_id": sale.seller_id,
        "seller_name": view.seller_name,
        "customer_id": sale.customer_id,
        "customer_name": sale.customer_name,
        "customer_phone": sale.customer_phone,
        "note": sale.note,
        "date": sale.date,
        "created_at": sale.created_at,
        "amount": sale.amount,
        "profit": sale.profit,
        "refunded_amount": sale.refunded_amount,
        "net_amount": sale.amount - sale.refunded_amount,
        "item_count": len(view.items),
        "product_id": single.product_id if single else None,
        "quantity": single.quantity if single else None,
        "payment_type": _payment_type(view.payments),
        "payments": [
            PaymentRead(payment_type=p.payment_type, amount=p.amount) for p in view.payments
        ],
        "debt": view.debt,
    }


def seller_read(view: SaleView) -> SaleRead:
    return SaleRead(
        **_sale_fields(view), items=[SaleItemRead(**_item_fields(i)) for i in view.items]
    )


def admin_read(view: SaleView) -> SaleAdminRead:
    items = [
        SaleItemAdminRead(
            **_item_fields(i),
            buy_price=i.item.buy_price,
            cost=round_money(i.item.buy_price * i.item.quantity),
            director_profit=i.item.director_profit,
        )
        for i in view.items
    ]
    return SaleAdminRead(
        **_sale_fields(view),
        cost=view.sale.cost,
        director_profit=view.sale.director_profit,
        items=items,
    )


def read_for(view: SaleView, *, admin: bool) -> SaleRead | SaleAdminRead:
    """The director's shape for admins, the seller's for everyone else."""
    return admin_read(view) if admin else seller_read(view)
