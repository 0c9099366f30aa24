"""The searchable domains. Adding one is one line: its type name and its search function
(which applies the caller's branch scope, like every list)."""

from __future__ import annotations

from carpet_shop.catalog import service as catalog_service
from carpet_shop.search.hits import SearchFunction

SEARCHABLE: dict[str, SearchFunction] = {
    "product": catalog_service.search_hits,
}
