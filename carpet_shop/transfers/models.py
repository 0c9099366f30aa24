from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.catalog.models import Product
from carpet_shop.core.models import Base, IdMixin


class TransferStatus(enum.StrEnum):
    IN_TRANSIT = "in_transit"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Transfer(IdMixin, Base):
    """Stock sent from one branch to another.

    The stock leaves the source product when the transfer starts; it reaches the target branch
    (the matching product there, made if missing) when received, or goes back on cancel.
    """

    __tablename__ = "transfers"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    from_branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    to_branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"))
    # The size sent; the target product gets the same size.
    size: Mapped[str | None] = mapped_column(String(20))
    # Pieces, or metres to the centimetre.
    quantity: Mapped[Decimal]
    status: Mapped[TransferStatus] = mapped_column(
        Enum(
            TransferStatus,
            name="transfer_status",
            native_enum=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    target_product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"))
    # The bulk-transfer document this transfer is part of: received or cancelled with the
    # others, never alone (transfers.service.receive_batch / cancel_batch).
    batch_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)
    note: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    received_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(foreign_keys=[product_id], lazy="selectin")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("from_branch_id <> to_branch_id", name="between_branches"),
        Index("ix_transfers_from_status", "from_branch_id", "status"),
        Index("ix_transfers_to_status", "to_branch_id", "status"),
        Index("ix_transfers_status_created", "status", "created_at"),
    )

    @property
    def product_name(self) -> str:
        return self.product.name

    @property
    def unit(self) -> str:
        return self.product.unit
