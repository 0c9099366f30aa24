"""Entity tags for cheap reads: a phone that already holds an answer gets `304 Not Modified`.

A tag is a hash of what the answer says (its data, meta and message), never of its
`timestamp`, which is new on every answer. Tags are weak (`W/"…"`): the same answer may go
out gzipped or not (core.compression), and it is the content that is compared, not bytes.
The answer also depends on who asks and their language; that changes the content, so the
tag, and `Vary` tells caches in between.
"""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from carpet_shop.core.envelope import page_response
from carpet_shop.core.i18n import translate
from carpet_shop.core.pagination import PageParams

_VARY = "Authorization, Accept-Language"
# Private (it depends on the token) and checked with the server before each use.
_CACHE_CONTROL = "private, no-cache"


def content_tag(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _weak(tag: str) -> str:
    return f'W/"{tag}"'


def matches(request: Request, etag: str) -> bool:
    """Whether If-None-Match names `etag` (weak comparison, RFC 9110 §13.1.2)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == wanted for candidate in header.split(","))


def _headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Vary": _VARY, "Cache-Control": _CACHE_CONTROL}


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers=_headers(etag))


def tagged(request: Request, envelope: BaseModel) -> Response:
    """`envelope` as JSON with its tag, or 304 when the caller already has it."""
    etag = _weak(content_tag(envelope.model_dump_json(exclude={"timestamp"})))
    if matches(request, etag):
        return not_modified(etag)
    return Response(
        envelope.model_dump_json().encode(), media_type="application/json", headers=_headers(etag)
    )


def tagged_page(
    request: Request,
    data: bytes,
    data_tag: str,
    params: PageParams,
    total: int,
    message: str = "OK",
) -> Response:
    """A list envelope (core.envelope.page_response) whose rows already carry their tag,
    made once with them (a cached page keeps both): a caller holding the page gets 304
    without the rows being read or written again."""
    said = translate(message)
    etag = _weak(content_tag(data_tag, f"{params.page}:{params.page_size}:{total}", said))
    if matches(request, etag):
        return not_modified(etag)
    response = page_response(data, params, total, message)
    response.headers.update(_headers(etag))
    return response
