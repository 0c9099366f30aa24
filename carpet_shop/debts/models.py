from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.core.models import Base, IdMixin, TimestampMixin
from carpet_shop.customers.models import Customer


class DebtStatus(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    OVERDUE = "overdue"


class DebtPaymentType(enum.StrEnum):
    CASH = "cash"  # Naqd
    CARD = "card"  # Karta
    TRANSFER = "transfer"  # O'tkazma


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Debt(IdMixin, TimestampMixin, Base):
    """What a customer still owes a branch (nasiya), per the specification's table 5.

    Invariant: total_amount = payments + returned_amount + remaining_amount. remaining only
    ever changes through conditional UPDATEs (debts/repository.py), so concurrent payments
    cannot take it below zero; the CHECKs below are the last line.
    `status` is stored for indexes and notifications but every read recomputes it from
    remaining, deadline and the shop's today (debts/status.py).
    """

    __tablename__ = "debts"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    # The seller responsible: the sale's seller for a credit sale, else who recorded it.
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    sale_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sales.id"))
    total_amount: Mapped[Decimal]
    remaining_amount: Mapped[Decimal]
    # Taken off by approved returns of the sale (debts.service.settle_return).
    returned_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    # The last shop day on which paying is still on time.
    payment_deadline: Mapped[date]
    status: Mapped[DebtStatus] = mapped_column(
        _enum(DebtStatus, "debt_status"), default=DebtStatus.PENDING
    )
    note: Mapped[str | None] = mapped_column(String(500))
    # Set once, by the status job, when the debt is found overdue for its current deadline:
    # the trigger and the data for an OVERDUE_DEBT notification. A reschedule clears it.
    overdue_notified_at: Mapped[datetime | None] = mapped_column(default=None)

    # Name and phone always come from the registry, so a corrected number shows everywhere.
    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        Index("idx_debts_status", "status"),
        Index("idx_debts_branch_status", "branch_id", "status"),
        Index("idx_debts_deadline", "payment_deadline"),
        Index("ix_debts_customer_id", "customer_id"),
        # At most one debt per sale: a retried credit sale cannot open a second one.
        Index("uq_debts_sale_id", "sale_id", unique=True),
        CheckConstraint("total_amount > 0", name="total_positive"),
        CheckConstraint(
            "remaining_amount >= 0 AND returned_amount >= 0 "
            "AND remaining_amount + returned_amount <= total_amount",
            name="amounts_consistent",
        ),
    )


class Payment(IdMixin, Base):
    """A payment toward a debt (the specification's table 6). Never edited or deleted."""

    __tablename__ = "payments"

    debt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("debts.id"))
    amount: Mapped[Decimal]
    payment_type: Mapped[DebtPaymentType] = mapped_column(
        _enum(DebtPaymentType, "debt_payment_type")
    )
    note: Mapped[str | None] = mapped_column(String(500))
    payment_date: Mapped[datetime]
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The client's Idempotency-Key: a retried request finds its payment instead of paying twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("idx_payments_debt", "debt_id"),
        Index("uq_payments_debt_idempotency_key", "debt_id", "idempotency_key", unique=True),
        CheckConstraint("amount > 0", name="amount_positive"),
    )
