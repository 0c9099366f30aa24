from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.engine import CursorResult

from carpet_shop.core.repository import BranchScope, Repository
from carpet_shop.transfers.models import Transfer, TransferStatus
from carpet_shop.transfers.schemas import Direction


class TransferRepository(Repository[Transfer]):
    model = Transfer

    def listing(
        self,
        scope: BranchScope,
        *,
        status: TransferStatus | None,
        direction: Direction | None,
        product_id: uuid.UUID | None,
    ) -> Select[Transfer]:
        # A branch sees what leaves it and what comes to it; a direction picks one end.
        ends = {
            "in": (Transfer.to_branch_id,),
            "out": (Transfer.from_branch_id,),
        }.get(direction or "", (Transfer.from_branch_id, Transfer.to_branch_id))
        stmt = select(Transfer).where(*scope.conditions_on(*ends))
        if status is not None:
            stmt = stmt.where(Transfer.status == status)
        if product_id is not None:
            stmt = stmt.where(
                or_(Transfer.product_id == product_id, Transfer.target_product_id == product_id)
            )
        return stmt.order_by(Transfer.created_at.desc(), Transfer.id)

    def of_batch(self, batch_id: uuid.UUID, *, lock: bool = False) -> list[Transfer]:
        stmt = select(Transfer).where(Transfer.batch_id == batch_id).order_by(Transfer.id)
        if lock:
            stmt = stmt.with_for_update()
        return list(self.session.scalars(stmt))

    def close(self, transfer: Transfer, status: TransferStatus, **values: Any) -> bool:
        """Move an in-transit transfer to `status`, once: of two concurrent requests only one
        matches the WHERE (PostgreSQL re-checks it after the first commits)."""
        result = self.session.execute(
            update(Transfer)
            .where(Transfer.id == transfer.id, Transfer.status == TransferStatus.IN_TRANSIT)
            .values(status=status, **values)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount != 1:
            return False
        # Keep the loaded object in step with the row.
        transfer.status = status
        for name, value in values.items():
            setattr(transfer, name, value)
        return True
