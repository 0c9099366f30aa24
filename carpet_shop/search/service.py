from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.repository import BranchScope
from carpet_shop.search.hits import SearchContext, SearchHit
from carpet_shop.search.registry import SEARCHABLE


def search(
    session: Session,
    scope: BranchScope,
    q: str,
    kind: str | None,
    limit: int,
    *,
    context: SearchContext,
) -> list[SearchHit]:
    """Hits of every searchable type (or of `kind` only), each type's best first."""
    if kind is not None and kind not in SEARCHABLE:
        raise ValidationFailed.field(
            "type", Message("Search one of: {names}", names=", ".join(sorted(SEARCHABLE)))
        )
    kinds: Sequence[str] = [kind] if kind else list(SEARCHABLE)
    hits: list[SearchHit] = []
    for name in kinds:
        hits.extend(SEARCHABLE[name](session, scope, q, limit, context))
    return hits
