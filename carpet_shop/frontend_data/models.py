from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base


class FrontendRecord(Base):
    """Which row a record of the app's local state became: running the migration again
    finds it here and imports it no second time."""

    __tablename__ = "frontend_records"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime]
