from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin, SoftDeleteMixin, TimestampMixin


class Branch(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "branches"

    name: Mapped[str] = mapped_column(String(120))
    # Short prefix of the branch's receipt numbers, e.g. "CH" for Chilonzor.
    code: Mapped[str] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    # users refer to branches and branches (through this) to users: the constraint is added
    # after both tables exist.
    deleted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), default=None
    )

    __table_args__ = (
        # A deleted branch frees its name and code for a new one.
        Index(
            "uq_branches_name_live",
            "name",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "uq_branches_code_live",
            "code",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
