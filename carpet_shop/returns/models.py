from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.core.models import Base, IdMixin, TimestampMixin


class ReturnReason(enum.StrEnum):
    DEFECTIVE = "DEFECTIVE"
    WRONG_SIZE = "WRONG_SIZE"
    CUSTOMER_CHANGE_MIND = "CUSTOMER_CHANGE_MIND"
    OTHER = "OTHER"


class ReturnStatus(enum.StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


class SaleReturn(IdMixin, TimestampMixin, Base):
    """A request to take back items of one sale; stock and money move only when approved."""

    __tablename__ = "returns"

    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    status: Mapped[ReturnStatus] = mapped_column(_enum(ReturnStatus, "return_status"))
    reason: Mapped[ReturnReason] = mapped_column(_enum(ReturnReason, "return_reason"))
    reason_note: Mapped[str | None] = mapped_column(String(500))
    refund_amount: Mapped[Decimal]
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The admin who decided (approved or rejected), as the specification names it.
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))
    # How an approved return was settled (debts.service.settle_return): what it took off the
    # sale's debt, and what was given back in money. Both null until approved;
    # debt_reduced + cash_refund = refund_amount.
    debt_reduced: Mapped[Decimal | None]
    cash_refund: Mapped[Decimal | None]

    items: Mapped[list[ReturnItem]] = relationship(
        back_populates="sale_return", order_by="ReturnItem.position", lazy="raise"
    )

    __table_args__ = (
        CheckConstraint("refund_amount >= 0", name="refund_not_negative"),
        Index("ix_returns_branch_created", "branch_id", "created_at"),
        Index("ix_returns_status", "status"),
    )


class ReturnItem(IdMixin, Base):
    __tablename__ = "return_items"

    return_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("returns.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    sale_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sale_items.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    # The size sold, which the stock goes back to.
    size: Mapped[str | None] = mapped_column(String(20))
    # Pieces or metres taken back.
    quantity: Mapped[Decimal]
    # This line's share of the return's refund, fixed when the request is made.
    refund_amount: Mapped[Decimal]

    sale_return: Mapped[SaleReturn] = relationship(back_populates="items", lazy="raise")

    __table_args__ = (CheckConstraint("quantity > 0 AND refund_amount >= 0", name="positive"),)
