from __future__ import annotations

import uuid

from sqlalchemy import Select, func, or_, select

from carpet_shop.core import like
from carpet_shop.core.repository import SoftDeleteRepository
from carpet_shop.users.models import Role, User


class UserRepository(SoftDeleteRepository[User]):
    model = User

    def find_live_by_username(self, username: str) -> User | None:
        return self.session.scalar(self.statement().where(User.username == username.lower()))

    def username_taken(self, username: str, *, except_id: uuid.UUID | None = None) -> bool:
        stmt = select(User.id).where(User.username == username.lower(), User.deleted_at.is_(None))
        if except_id is not None:
            stmt = stmt.where(User.id != except_id)
        return self.session.scalar(stmt.limit(1)) is not None

    def count_active_admins(self) -> int:
        """Counted with the rows locked (PostgreSQL), so that two directors removing each
        other at once are checked one after the other and one of them is refused."""
        stmt = (
            select(User.id)
            .where(User.role == Role.ADMIN, User.is_active.is_(True), User.deleted_at.is_(None))
            .with_for_update()
        )
        return len(self.session.scalars(stmt).all())

    def count_active_in_branch(self, branch_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            User.branch_id == branch_id, User.is_active.is_(True), User.deleted_at.is_(None)
        )
        return int(self.session.scalar(stmt) or 0)

    def search(
        self,
        *,
        include_deleted: bool,
        role: Role | None,
        branch_id: uuid.UUID | None,
        is_active: bool | None,
        q: str | None,
    ) -> Select[User]:
        stmt = self.statement(include_deleted=include_deleted)
        if role is not None:
            stmt = stmt.where(User.role == role)
        if branch_id is not None:
            stmt = stmt.where(User.branch_id == branch_id)
        if is_active is not None:
            stmt = stmt.where(User.is_active.is_(is_active))
        if q:
            pattern = like.contains(q.lower())
            stmt = stmt.where(
                or_(
                    func.lower(User.username).like(pattern, escape=like.ESCAPE),
                    func.lower(User.full_name).like(pattern, escape=like.ESCAPE),
                )
            )
        return stmt.order_by(User.username)
