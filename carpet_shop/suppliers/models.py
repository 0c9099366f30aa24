from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin, SoftDeleteMixin, TimestampMixin
from carpet_shop.currency.models import Currency, currency_column


class Supplier(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A factory or wholesaler the shop buys from (Uzbek, Turkish, Iranian...). Shop-wide."""

    __tablename__ = "suppliers"

    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased and transliterated name for search (catalog's search_name rule).
    search_name: Mapped[str] = mapped_column(String(120), default="")
    # +998XXXXXXXXX or another country's +<digits> (customers/phone.py).
    phone: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(60))
    # What its orders and receipts are priced in unless a line says otherwise.
    currency: Mapped[Currency] = mapped_column(currency_column(), default=Currency.UZS)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        # A deleted supplier frees its number, as customers do.
        Index(
            "uq_suppliers_phone_live",
            "phone",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_suppliers_search_name", "search_name"),
    )
