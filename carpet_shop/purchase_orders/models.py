from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.core.models import Base, IdMixin, TimestampMixin
from carpet_shop.currency.models import Currency, currency_column


class PurchaseOrderStatus(enum.StrEnum):
    DRAFT = "draft"
    ORDERED = "ordered"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class PurchaseOrder(IdMixin, TimestampMixin, Base):
    """What the shop asked a supplier for, delivered to one branch (PO-000123).

    Editable while a draft; `ordered` freezes its lines; goods receipts then fill their
    `received_quantity` until every line is in (received) or the director cancels the rest.
    """

    __tablename__ = "purchase_orders"

    number: Mapped[str] = mapped_column(String(16), unique=True)
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)
    status: Mapped[PurchaseOrderStatus] = mapped_column(
        Enum(
            PurchaseOrderStatus,
            name="purchase_order_status",
            native_enum=False,
            create_constraint=False,
            length=20,
            values_callable=lambda members: [m.value for m in members],
        ),
        default=PurchaseOrderStatus.DRAFT,
    )
    expected_date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    ordered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        lazy="selectin",
        order_by="PurchaseOrderLine.position",
        cascade="all, delete-orphan",
        back_populates="purchase_order",
    )

    __table_args__ = (Index("ix_purchase_orders_status", "status"),)


class PurchaseOrderLine(IdMixin, Base):
    """One product and size ordered: pieces, or metres of a roll."""

    __tablename__ = "purchase_order_lines"

    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("purchase_orders.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    # Canonical W×H (a roll: its width × length); null for a product without sizes.
    size: Mapped[str | None] = mapped_column(String(20))
    quantity: Mapped[Decimal]
    # Raised only by goods receipts, with one conditional UPDATE each
    # (goods_receipts/repository.py), so two receipts never take the same pieces.
    received_quantity: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    # Per piece, or per metre, in `currency`.
    buy_price: Mapped[Decimal]
    currency: Mapped[Currency] = mapped_column(currency_column(), default=Currency.UZS)

    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")

    __table_args__ = (
        Index("uq_purchase_order_lines_position", "purchase_order_id", "position", unique=True),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received_quantity >= 0", name="received_not_negative"),
        CheckConstraint("buy_price >= 0", name="buy_price_not_negative"),
    )
