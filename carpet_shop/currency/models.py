from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin


class Currency(enum.StrEnum):
    UZS = "UZS"
    USD = "USD"


def currency_column() -> Enum:
    return Enum(
        Currency,
        name="currency",
        native_enum=False,
        create_constraint=False,
        length=3,
        values_callable=lambda members: [m.value for m in members],
    )


class CurrencyRate(IdMixin, Base):
    """The director's so'm price of one US dollar for one shop day; earlier days are kept.

    A purchase in dollars is converted at its shop day's rate (currency/conversion.py), so a
    day's rate, once purchases used it, is history: it is recorded once per day.
    """

    __tablename__ = "currency_rates"

    day: Mapped[date] = mapped_column(unique=True)
    # So'm per 1 USD, to the tiyin.
    rate: Mapped[Decimal]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)
