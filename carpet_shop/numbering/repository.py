"""Document numbers: PO-000123, GR-000123, one gapless sequence per kind, shop-wide."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from carpet_shop.core.repository import Repository
from carpet_shop.numbering.models import DocumentCounter

PURCHASE_ORDER = "PO"
GOODS_RECEIPT = "GR"


def formatted(kind: str, number: int) -> str:
    return f"{kind}-{number:06d}"


class DocumentCounterRepository(Repository[DocumentCounter]):
    model = DocumentCounter

    def next_number(self, kind: str) -> str:
        """The next number of `kind`, taken in the caller's transaction.

        The UPDATE locks the counter's row until the document commits, so a concurrent
        document waits and takes the following number; a rolled-back document gives its
        number back.
        """
        bump = (
            update(DocumentCounter)
            .where(DocumentCounter.kind == kind)
            .values(last_number=DocumentCounter.last_number + 1)
            .returning(DocumentCounter.last_number)
        )
        number = self.session.scalar(bump)
        if number is None:
            # The first document of its kind: the counters' rows are made by the migration,
            # this covers a kind added later.
            self.session.execute(insert(DocumentCounter).values(kind=kind, last_number=0))
            number = self.session.scalar(bump)
        assert number is not None
        return formatted(kind, number)

    def last_number(self, kind: str) -> int:
        found = self.session.scalar(
            select(DocumentCounter.last_number).where(DocumentCounter.kind == kind)
        )
        return found or 0
