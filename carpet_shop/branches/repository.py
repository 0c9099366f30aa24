from __future__ import annotations

import uuid

from sqlalchemy import Select, func, select

from carpet_shop.branches.models import Branch
from carpet_shop.core.repository import BranchScope, BranchScopedMixin, SoftDeleteRepository


class BranchRepository(BranchScopedMixin, SoftDeleteRepository[Branch]):
    model = Branch
    branch_column = Branch.id
    held_for_transaction = True

    def _taken(self, column: object, value: str, except_id: uuid.UUID | None) -> bool:
        stmt = select(Branch.id).where(
            func.lower(column) == value.lower(),
            Branch.deleted_at.is_(None),
        )
        if except_id is not None:
            stmt = stmt.where(Branch.id != except_id)
        return self.session.scalar(stmt.limit(1)) is not None

    def name_taken(self, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        return self._taken(Branch.name, name, except_id)

    def code_taken(self, code: str, *, except_id: uuid.UUID | None = None) -> bool:
        return self._taken(Branch.code, code, except_id)

    def is_live(self, branch_id: uuid.UUID) -> bool:
        """Whether the branch exists and is not deleted (what other domains check before
        putting something in it)."""
        return self.get_live(branch_id) is not None

    def lock(self, branch_id: uuid.UUID) -> None:
        # FOR NO KEY UPDATE: rows that refer to the branch (products, movements, sales) still
        # insert freely; a plain FOR UPDATE would block their foreign-key checks.
        self.session.execute(
            select(Branch.id).where(Branch.id == branch_id).with_for_update(key_share=True)
        )

    def visible(self, scope: BranchScope, *, include_deleted: bool) -> Select[Branch]:
        return self.scoped(self.statement(include_deleted=include_deleted), scope).order_by(
            Branch.name
        )
