from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin


class PreviewStatus(enum.StrEnum):
    PENDING = "pending"
    COMMITTED = "committed"


class ImportPreview(IdMixin, Base):
    """A checked file waiting for its commit: what each row would do, as planned.

    Kept in the database (not in a worker's memory) so that any worker can commit it, and
    committed with one conditional UPDATE, so that of two racing commits one applies it.
    """

    __tablename__ = "import_previews"

    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    status: Mapped[PreviewStatus] = mapped_column(
        Enum(
            PreviewStatus,
            name="import_preview_status",
            native_enum=False,
            length=16,
            values_callable=lambda members: [m.value for m in members],
        ),
        default=PreviewStatus.PENDING,
    )
    committed_at: Mapped[datetime | None] = mapped_column(default=None)
    # {"totals": {...}, "rows": [{row, action, match, fields, errors, values}, ...]}
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_import_previews_expires_at", "expires_at"),)
