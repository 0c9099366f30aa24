"""Who is acting, from where: what every service that writes needs to know."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.errors import Forbidden
from carpet_shop.core.repository import BranchScope


class ActingUser(Protocol):
    """What a service may read of the person acting. A request's actor carries the few
    columns authentication already read (auth.schemas.SignedInUser), not a loaded User:
    every request pays for that read, and services that need more load the user."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def username(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    @property
    def branch_id(self) -> uuid.UUID | None: ...

    @property
    def can_add_products(self) -> bool: ...

    @property
    def commission_rate(self) -> Decimal: ...

    @property
    def is_admin(self) -> bool: ...


@dataclass(frozen=True)
class Actor:
    user: ActingUser
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

    def list_scope(self, requested_branch_id: uuid.UUID | None) -> BranchScope:
        """What a list may show for the `branch_id` asked for: a seller asking for another
        branch is refused rather than quietly shown their own."""
        scope = self.scope(requested_branch_id)
        if requested_branch_id is not None and not scope.can_see(requested_branch_id):
            raise Forbidden("Sellers can only see their own branch")
        return scope
