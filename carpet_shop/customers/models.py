from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin, SoftDeleteMixin, TimestampMixin


class Customer(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A person who buys, usually on credit. One shop-wide registry keyed by phone.

    A customer is not a branch's object: the same person buys in Chilonzor and pays in
    Sergeli. `registered_branch_id` only records where they were first registered; what is
    branch-confined is their debts and purchases (see `customers/profile.py`).
    """

    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(120))
    # Always +998XXXXXXXXX (customers/phone.py), so equality finds the person.
    phone: Mapped[str] = mapped_column(String(13))
    note: Mapped[str | None] = mapped_column(String(500))
    registered_branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        # A deleted customer frees the number (phone numbers are reissued).
        Index(
            "uq_customers_phone_live",
            "phone",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_customers_name", "name"),
    )
