from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin, TimestampMixin


class CommissionStatus(enum.StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"


class Commission(IdMixin, TimestampMixin, Base):
    """A seller's commission on one sale.

    Created PENDING with the sale. An approved return lowers a pending commission in place;
    once paid, it stays as paid and a negative PENDING row (with `return_id`) claws the
    difference back from the next payout, so the rows of a sale always add up to
    rate × (sale amount − refunds).
    """

    __tablename__ = "commissions"

    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    return_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("returns.id"), default=None)
    # Percent, frozen at sale time.
    commission_rate: Mapped[Decimal]
    # The sale amount (net of refunds at the time) the commission was computed from.
    base_amount: Mapped[Decimal]
    commission_amount: Mapped[Decimal]
    status: Mapped[CommissionStatus] = mapped_column(
        Enum(
            CommissionStatus,
            name="commission_status",
            native_enum=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    paid_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)

    __table_args__ = (
        Index("ix_commissions_seller_created", "seller_id", "created_at"),
        Index("ix_commissions_branch_created", "branch_id", "created_at"),
        Index("ix_commissions_status", "status"),
    )
