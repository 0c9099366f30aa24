from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.core.models import Base, IdMixin, TimestampMixin
from carpet_shop.currency.models import Currency, currency_column


class GoodsReceiptStatus(enum.StrEnum):
    # Every line has its cost.
    COMPLETE = "complete"
    # A seller received goods whose price they may not see and no order gave it: the stock
    # is in, the director sets the cost (RECEIPT_NEEDS_COST).
    AWAITING_COST = "awaiting_cost"


class GoodsReceipt(IdMixin, TimestampMixin, Base):
    """Goods that came in to a branch (kirim, GR-000123), against a purchase order or not.

    Each line put its stock through the ledger (movement kind `receipt`, this receipt as the
    document). Amounts are kept in the lines' currency and in so'm at `rate`, the USD rate of
    the shop day `received_on`.
    """

    __tablename__ = "goods_receipts"

    number: Mapped[str] = mapped_column(String(16), unique=True)
    purchase_order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("purchase_orders.id"), index=True
    )
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)
    received_on: Mapped[date]
    status: Mapped[GoodsReceiptStatus] = mapped_column(
        Enum(
            GoodsReceiptStatus,
            name="goods_receipt_status",
            native_enum=False,
            create_constraint=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        ),
        default=GoodsReceiptStatus.COMPLETE,
    )
    on_credit: Mapped[bool] = mapped_column(default=False)
    due_date: Mapped[date | None]
    # The director let this receipt take more than its order still expects.
    allow_over_receipt: Mapped[bool] = mapped_column(default=False)
    # So'm per USD on `received_on`; null when no line is in dollars.
    rate: Mapped[Decimal | None]
    # Null while a line's cost is unknown (awaiting_cost).
    total_uzs: Mapped[Decimal | None]
    # The dollar lines' total, in dollars; null when no line is in dollars.
    total_usd: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    lines: Mapped[list[GoodsReceiptLine]] = relationship(
        lazy="selectin",
        order_by="GoodsReceiptLine.position",
        cascade="all, delete-orphan",
        back_populates="goods_receipt",
    )

    __table_args__ = (
        Index("ix_goods_receipts_received_on", "received_on"),
        CheckConstraint("NOT on_credit OR due_date IS NOT NULL", name="credit_has_due_date"),
    )


class GoodsReceiptLine(IdMixin, Base):
    """One product and size received: the stock it added and what it cost."""

    __tablename__ = "goods_receipt_lines"

    goods_receipt_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("goods_receipts.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    purchase_order_line_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("purchase_order_lines.id"), index=True
    )
    # The receiving branch's product (made there, with the size, if it was new).
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    size: Mapped[str | None] = mapped_column(String(20))
    quantity: Mapped[Decimal]
    currency: Mapped[Currency] = mapped_column(currency_column(), default=Currency.UZS)
    # Per piece or metre in `currency`, and in so'm; null while awaiting the director.
    buy_price: Mapped[Decimal | None]
    buy_price_uzs: Mapped[Decimal | None]
    # quantity × buy_price, in `currency` and in so'm.
    amount: Mapped[Decimal | None]
    amount_uzs: Mapped[Decimal | None]

    goods_receipt: Mapped[GoodsReceipt] = relationship(back_populates="lines")

    __table_args__ = (
        Index("uq_goods_receipt_lines_position", "goods_receipt_id", "position", unique=True),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("buy_price IS NULL OR buy_price >= 0", name="buy_price_not_negative"),
    )


class CostRule(enum.StrEnum):
    # The size's buy price becomes the latest receipt's price.
    LAST_PRICE = "last_price"
    # (stock on hand × its buy price + received × price) / (stock on hand + received).
    WEIGHTED_AVERAGE = "weighted_average"


class PurchaseSettings(Base):
    """The director's purchasing choices; one row (id 1), made with the defaults on first use."""

    __tablename__ = "purchase_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cost_rule: Mapped[CostRule] = mapped_column(
        Enum(
            CostRule,
            name="cost_rule",
            native_enum=False,
            create_constraint=False,
            length=20,
            values_callable=lambda members: [m.value for m in members],
        ),
        default=CostRule.WEIGHTED_AVERAGE,
    )
    updated_at: Mapped[datetime]
