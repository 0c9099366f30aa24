"""The searchable domains. Adding one is one line: its type name and its search function
(which applies the caller's branch scope, like every list)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from carpet_shop.catalog import service as catalog_service
from carpet_shop.core.repository import BranchScope
from carpet_shop.customers import service as customers_service
from carpet_shop.debts import service as debts_service
from carpet_shop.search.hits import SearchContext, SearchFunction, SearchHit


def _products(
    session: Session, scope: BranchScope, q: str, limit: int, _: SearchContext
) -> Sequence[SearchHit]:
    return catalog_service.search_hits(session, scope, q, limit)


def _customers(
    session: Session, scope: BranchScope, q: str, limit: int, _: SearchContext
) -> Sequence[SearchHit]:
    return [
        SearchHit(type="customer", id=hit.id, title=hit.title, subtitle=hit.subtitle)
        for hit in customers_service.search(session, scope, q, limit)
    ]


def _debts(
    session: Session, scope: BranchScope, q: str, limit: int, context: SearchContext
) -> Sequence[SearchHit]:
    return [
        SearchHit(
            type="debt", id=hit.id, title=hit.title, subtitle=hit.subtitle, branch_id=hit.branch_id
        )
        for hit in debts_service.search(
            session, scope, q, limit, clock=context.clock, tz=context.tz
        )
    ]


SEARCHABLE: dict[str, SearchFunction] = {
    "product": _products,
    "customer": _customers,
    "debt": _debts,
}
