"""What a searchable domain returns for the global search: a uniform, compact hit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.core.clock import Clock
from carpet_shop.core.repository import BranchScope
from carpet_shop.core.schemas import ReadModel


class SearchHit(ReadModel):
    type: str
    id: uuid.UUID
    title: str
    subtitle: str | None = None
    branch_id: uuid.UUID | None = None
    thumbnail: str | None = None


@dataclass(frozen=True)
class SearchContext:
    """The request's clock and the shop's time zone, for providers whose hits depend on the
    shop day (a debt's status)."""

    clock: Clock
    tz: ZoneInfo


# (session, the caller's branch scope, the query text, at most how many, the request's context)
# -> hits, best first.
SearchFunction = Callable[[Session, BranchScope, str, int, SearchContext], Sequence[SearchHit]]
