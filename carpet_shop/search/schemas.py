from __future__ import annotations

from carpet_shop.core.schemas import ReadModel
from carpet_shop.search.hits import SearchHit


class SearchResults(ReadModel):
    query: str
    types: list[str]
    results: list[SearchHit]
