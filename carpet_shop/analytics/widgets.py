"""The dashboard's counters, one small function each, so other domains can take them over.

Low stock belongs to the catalog and inventory: when their service offers the count, this
function should call it. Transfers do not exist yet: when their table does, replace the
body of `pending_transfers_count` with a call to the transfers service. Debts' figures come
from the debts service.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.analytics import repository
from carpet_shop.audit.models import AuditLog
from carpet_shop.core.repository import BranchScope


def low_stock_count(session: Session, scope: BranchScope, default_threshold: Decimal) -> int:
    return repository.low_stock_count(session, scope, default_threshold)


def pending_transfers_count(session: Session, scope: BranchScope) -> int:
    """Transfers pending or in transit, to or from the scope's branch: none until they exist."""
    return 0


def recent_activities(
    session: Session, scope: BranchScope, limit: int
) -> list[tuple[AuditLog, str | None]]:
    """The shop's latest business actions; a seller sees those of their own branch's people."""
    return repository.recent_activity(session, scope.list_branch_id, limit)
