from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin, TimestampMixin
from carpet_shop.currency.models import Currency, currency_column
from carpet_shop.debts.models import DebtPaymentType


class PayableStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    OVERDUE = "overdue"


class Payable(IdMixin, TimestampMixin, Base):
    """What the shop owes a supplier for a goods receipt taken on credit.

    Kept in the receipt's currency (dollars when every line was in dollars, else so'm), so a
    dollar debt stays a dollar debt whatever the rate does. `remaining_amount` only changes
    through one conditional UPDATE per payment (payables/repository.py): concurrent payments
    cannot take it below zero, and the CHECKs are the last line. `status` is stored for
    indexes; reads recompute it from remaining, due date and the shop's today.
    """

    __tablename__ = "payables"

    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)
    goods_receipt_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("goods_receipts.id"), unique=True
    )
    currency: Mapped[Currency] = mapped_column(currency_column())
    total_amount: Mapped[Decimal]
    remaining_amount: Mapped[Decimal]
    due_date: Mapped[date]
    status: Mapped[PayableStatus] = mapped_column(
        Enum(
            PayableStatus,
            name="payable_status",
            native_enum=False,
            create_constraint=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        ),
        default=PayableStatus.OPEN,
    )
    # Set once, by the status job, when found overdue: the trigger of OVERDUE_PAYABLE.
    overdue_notified_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        Index("ix_payables_status_due", "status", "due_date"),
        CheckConstraint("total_amount > 0", name="total_positive"),
        CheckConstraint(
            "remaining_amount >= 0 AND remaining_amount <= total_amount",
            name="remaining_in_range",
        ),
    )


class SupplierPayment(IdMixin, Base):
    """A payment to a supplier toward one payable. Never edited or deleted.

    `amount` is in the payable's currency; `paid_amount` in `paid_currency`, what left the
    till; `rate` the day's so'm per dollar when the two differ.
    """

    __tablename__ = "supplier_payments"

    payable_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payables.id"))
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"), index=True)
    amount: Mapped[Decimal]
    paid_currency: Mapped[Currency] = mapped_column(currency_column())
    paid_amount: Mapped[Decimal]
    rate: Mapped[Decimal | None]
    payment_type: Mapped[DebtPaymentType] = mapped_column(
        Enum(
            DebtPaymentType,
            name="supplier_payment_type",
            native_enum=False,
            create_constraint=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    note: Mapped[str | None] = mapped_column(String(500))
    paid_at: Mapped[datetime]
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The client's Idempotency-Key: a retried request finds its payment instead of paying twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_supplier_payments_payable", "payable_id"),
        Index(
            "uq_supplier_payments_payable_idempotency_key",
            "payable_id",
            "idempotency_key",
            unique=True,
        ),
        CheckConstraint("amount > 0 AND paid_amount > 0", name="amounts_positive"),
    )
