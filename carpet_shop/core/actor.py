"""Who is acting, from where: what every service that writes needs to know."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.repository import BranchScope

if TYPE_CHECKING:
    from carpet_shop.users.models import User


@dataclass(frozen=True)
class Actor:
    user: User
    meta: RequestMeta
    session_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def branch_id(self) -> uuid.UUID | None:
        return self.user.branch_id

    def scope(self, requested_branch_id: uuid.UUID | None = None) -> BranchScope:
        return BranchScope(
            allowed_branch_id=None if self.is_admin else self.user.branch_id,
            requested_branch_id=requested_branch_id,
        )
