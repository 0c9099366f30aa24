"""What a searchable domain returns for the global search: a uniform, compact hit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from carpet_shop.core.repository import BranchScope
from carpet_shop.core.schemas import ReadModel


class SearchHit(ReadModel):
    type: str
    id: uuid.UUID
    title: str
    subtitle: str | None = None
    branch_id: uuid.UUID | None = None
    thumbnail: str | None = None


# (session, the caller's branch scope, the query text, at most how many) -> hits, best first.
SearchFunction = Callable[[Session, BranchScope, str, int], Sequence[SearchHit]]
