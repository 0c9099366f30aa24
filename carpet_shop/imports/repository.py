from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from carpet_shop.catalog.models import Product
from carpet_shop.core.repository import Repository
from carpet_shop.imports.models import ImportPreview, PreviewStatus


class PreviewRepository(Repository[ImportPreview]):
    model = ImportPreview

    def claim(self, preview_id: uuid.UUID, now: datetime) -> bool:
        """Mark a pending, unexpired preview committed, once: of two racing commits only one
        matches (PostgreSQL re-checks the WHERE after the first one's commit)."""
        result = self.session.execute(
            update(ImportPreview)
            .where(
                ImportPreview.id == preview_id,
                ImportPreview.status == PreviewStatus.PENDING,
                ImportPreview.expires_at > now,
            )
            .values(status=PreviewStatus.COMMITTED, committed_at=now)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    def forget_expired(self, before: datetime) -> None:
        self.session.execute(
            delete(ImportPreview)
            .where(ImportPreview.expires_at < before)
            .execution_options(synchronize_session=False)
        )


def live_products(session: Session, branch_ids: Sequence[uuid.UUID]) -> Sequence[Any]:
    """What an import row is matched against: the live products of these branches."""
    if not branch_ids:
        return []
    stmt = select(
        Product.id, Product.branch_id, Product.search_name, Product.collection_id, Product.type
    ).where(Product.branch_id.in_(list(branch_ids)), Product.deleted_at.is_(None))
    return session.execute(stmt).all()
