from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.core.models import Base, IdMixin


class PaymentType(enum.StrEnum):
    CASH = "cash"  # Naqd
    CARD = "card"  # Karta
    TRANSFER = "transfer"  # O'tkazma
    DEBT = "debt"  # Nasiya: this part becomes a debt (debts.service.create_for_sale)


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Sale(IdMixin, Base):
    """A receipt: one or more items from one branch, paid by one or more payments.

    Money figures are frozen at sale time and summed from the items; approved returns are
    recorded on the items (returned_quantity, refunded_amount) and netted in analytics.
    """

    __tablename__ = "sales"

    receipt_number: Mapped[str] = mapped_column(String(24), unique=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The registry's customer, when the sale names one (by id, or by name and phone); the
    # name and phone below are kept as they were at the sale, the phone always canonical.
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"))
    customer_name: Mapped[str | None] = mapped_column(String(120))
    customer_phone: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(500))
    # When the sale happened (an admin may back-fill it); `created_at` is when it was recorded.
    date: Mapped[datetime]
    created_at: Mapped[datetime]
    amount: Mapped[Decimal]
    # The specification's `profit`: extra profit, what was charged above the standard price.
    profit: Mapped[Decimal]
    director_profit: Mapped[Decimal]
    cost: Mapped[Decimal]
    refunded_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))

    items: Mapped[list[SaleItem]] = relationship(
        back_populates="sale", order_by="SaleItem.position", lazy="raise"
    )
    payments: Mapped[list[SalePayment]] = relationship(
        back_populates="sale", order_by="SalePayment.position", lazy="raise"
    )

    __table_args__ = (
        Index("idx_sales_branch_date", "branch_id", "date"),
        Index("idx_sales_date", "date"),
        Index("ix_sales_seller_date", "seller_id", "date"),
        Index("ix_sales_customer_date", "customer_id", "date"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


class SaleItem(IdMixin, Base):
    __tablename__ = "sale_items"

    sale_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sales.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    # The size sold (null for a product without sizes); a roll's cut as W×metres.
    size: Mapped[str | None] = mapped_column(String(20))
    cut_size: Mapped[str | None] = mapped_column(String(20))
    # Pieces, or metres to the centimetre.
    quantity: Mapped[Decimal]
    amount: Mapped[Decimal]
    # Frozen at sale time, per piece or metre: the list price, the price after the best
    # active discount (the standard price), and the buy price.
    list_price: Mapped[Decimal]
    standard_price: Mapped[Decimal]
    buy_price: Mapped[Decimal]
    discount_id: Mapped[uuid.UUID | None]
    discount_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    extra_profit: Mapped[Decimal]
    director_profit: Mapped[Decimal]
    returned_quantity: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    refunded_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))

    sale: Mapped[Sale] = relationship(back_populates="items", lazy="raise")

    __table_args__ = (
        CheckConstraint("quantity > 0 AND amount > 0", name="positive"),
        CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity", name="returned_within_sold"
        ),
    )


class SalePayment(IdMixin, Base):
    __tablename__ = "sale_payments"

    sale_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sales.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    payment_type: Mapped[PaymentType] = mapped_column(_enum(PaymentType, "payment_type"))
    amount: Mapped[Decimal]

    sale: Mapped[Sale] = relationship(back_populates="payments", lazy="raise")

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class ReceiptCounter(Base):
    """The last receipt number used in a branch; bumped in the sale's transaction (gapless)."""

    __tablename__ = "receipt_counters"

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class IdempotencyRecord(IdMixin, Base):
    """The first answer to a request sent with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]

    __table_args__ = (Index("uq_idempotency_user_key", "user_id", "key", unique=True),)
