"""Sellers' commissions (additions 3C): rate × sale amount, reduced by approved returns."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.commissions.models import Commission, CommissionStatus
from carpet_shop.commissions.repository import CommissionRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound
from carpet_shop.core.money import ZERO, percent_of
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import ALL_BRANCHES, BranchScope

ENTITY = "commission"


@dataclass(frozen=True)
class CommissionView:
    """A commission with the receipt number of its sale, for the list."""

    commission: Commission
    receipt_number: str


def record_for_sale(
    session: Session,
    clock: Clock,
    *,
    sale_id: uuid.UUID,
    seller_id: uuid.UUID,
    branch_id: uuid.UUID,
    rate: Decimal,
    amount: Decimal,
) -> Commission | None:
    """The PENDING commission of a new sale; none when the seller has no rate."""
    if rate <= 0:
        return None
    now = clock.now()
    return CommissionRepository(session).add(
        Commission(
            seller_id=seller_id,
            sale_id=sale_id,
            branch_id=branch_id,
            commission_rate=rate,
            base_amount=amount,
            commission_amount=percent_of(rate, amount),
            status=CommissionStatus.PENDING,
            created_at=now,
            updated_at=now,
        )
    )


def adjust_for_refund(
    session: Session,
    clock: Clock,
    *,
    sale_id: uuid.UUID,
    net_amount: Decimal,
    return_id: uuid.UUID,
) -> None:
    """Bring a sale's commission down to rate × its amount net of refunds.

    The commission of a sale is not paid yet: lower it in place. Already paid: leave the
    payout as it was and add a negative PENDING row for the difference (deducted from the
    seller's next payout). Either way the sale's rows add up to the new figure.
    """
    repo = CommissionRepository(session)
    rows = repo.of_sale(sale_id)
    if not rows:
        return
    first = rows[0]
    target = percent_of(first.commission_rate, net_amount)
    current = sum((r.commission_amount for r in rows), ZERO)
    if target == current:
        return
    now = clock.now()
    if len(rows) == 1 and first.status == CommissionStatus.PENDING:
        first.base_amount = net_amount
        first.commission_amount = target
        first.updated_at = now
        repo.flush()
        return
    repo.add(
        Commission(
            seller_id=first.seller_id,
            sale_id=sale_id,
            branch_id=first.branch_id,
            return_id=return_id,
            commission_rate=first.commission_rate,
            base_amount=net_amount,
            commission_amount=target - current,
            status=CommissionStatus.PENDING,
            created_at=now,
            updated_at=now,
        )
    )


def _views(repo: CommissionRepository, rows: Sequence[Commission]) -> list[CommissionView]:
    receipts = repo.receipt_numbers(r.sale_id for r in rows)
    return [CommissionView(r, receipts.get(r.sale_id, "")) for r in rows]


def list_commissions(
    session: Session,
    scope: BranchScope,
    page: PageParams,
    *,
    seller_id: uuid.UUID | None = None,
    status: CommissionStatus | None = None,
    window: Window | None = None,
) -> tuple[list[CommissionView], int]:
    repo = CommissionRepository(session)
    stmt = repo.search(scope, seller_id=seller_id, status=status, window=window)
    rows, total = repo.paginate(stmt, page)
    return _views(repo, rows), total


def list_my_commissions(
    session: Session,
    actor: Actor,
    page: PageParams,
    *,
    status: CommissionStatus | None = None,
    window: Window | None = None,
) -> tuple[list[CommissionView], int]:
    repo = CommissionRepository(session)
    # Their own, wherever they earned them (a seller may have moved branch since).
    stmt = repo.search(ALL_BRANCHES, seller_id=actor.id, status=status, window=window)
    rows, total = repo.paginate(stmt, page)
    return _views(repo, rows), total


def mark_paid(
    session: Session, actor: Actor, clock: Clock, commission_id: uuid.UUID
) -> CommissionView:
    repo = CommissionRepository(session)
    now = clock.now()
    if not repo.mark_paid(commission_id, by=actor.id, at=now):
        if repo.get(commission_id) is None:
            raise NotFound.of("Commission", commission_id)
        raise Conflict("This commission is already paid")
    commission = repo.get(commission_id)
    assert commission is not None
    session.refresh(commission)
    audit.log(
        session,
        actor,
        clock,
        AuditAction.UPDATE,
        ENTITY,
        commission.id,
        {
            "status": {"old": CommissionStatus.PENDING.value, "new": CommissionStatus.PAID.value},
            "paid_at": {"old": None, "new": now.isoformat()},
            "paid_by_id": {"old": None, "new": str(actor.id)},
        },
    )
    return _views(repo, [commission])[0]
