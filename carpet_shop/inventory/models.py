from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin


class MovementKind(enum.StrEnum):
    INITIAL = "initial"
    EDIT = "edit"
    SALE = "sale"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    TRANSFER_CANCELLED = "transfer_cancelled"
    ADJUSTMENT = "adjustment"
    IMPORT = "import"
    RECEIPT = "receipt"


class StockMovement(IdMixin, Base):
    """One change of one product's stock. The sum of a product's deltas is its stock."""

    __tablename__ = "stock_movements"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    # The product's size that moved; null for a product without sizes.
    size: Mapped[str | None] = mapped_column(String(20))
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(
        Enum(
            MovementKind,
            name="movement_kind",
            native_enum=False,
            length=24,
            values_callable=lambda kinds: [k.value for k in kinds],
        )
    )
    # Pieces or metres, signed: negative when stock leaves.
    delta: Mapped[Decimal]
    balance_after: Mapped[Decimal]
    # The document that caused it: a sale, return, transfer, adjustment, import...
    document_type: Mapped[str | None] = mapped_column(String(40))
    document_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_stock_movements_product_created", "product_id", "created_at"),
        Index("ix_stock_movements_document", "document_type", "document_id"),
    )
