from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base


class DocumentCounter(Base):
    """The last number given to a kind of document shop-wide (PO-000123, GR-000123).

    Bumped by one conditional UPDATE in the document's own transaction (numbering/
    repository.py), so numbers are gapless and two concurrent documents never share one.
    """

    __tablename__ = "document_counters"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
