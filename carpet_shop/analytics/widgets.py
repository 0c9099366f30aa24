"""The dashboard's counters that belong to other domains, each asked of its service."""

from __future__ import annotations

from sqlalchemy.orm import Session

from carpet_shop.analytics import repository
from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.repository import BranchScope
from carpet_shop.inventory import service as inventory_service
from carpet_shop.transfers import service as transfers_service


def low_stock_count(session: Session, scope: BranchScope, defaults: LowStockDefaults) -> int:
    return inventory_service.count_low_stock(session, scope, defaults)


def low_stock_sizes_count(session: Session, scope: BranchScope, defaults: LowStockDefaults) -> int:
    return inventory_service.count_low_stock_sizes(session, scope, defaults)


def pending_transfers_count(session: Session, scope: BranchScope) -> int:
    return transfers_service.count_in_transit(session, scope)


def recent_activities(
    session: Session, scope: BranchScope, limit: int
) -> list[tuple[AuditLog, str | None]]:
    """The shop's latest business actions; a seller sees those of their own branch's people."""
    return repository.recent_activity(session, scope, limit)
