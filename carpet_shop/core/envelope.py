"""The success and error envelopes of CONTRACT.md, made in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from fastapi.responses import Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

from carpet_shop.core.errors import ErrorCode
from carpet_shop.core.i18n import translate
from carpet_shop.core.pagination import PageParams

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel, Generic[T]):
    success: Literal[True] = True
    data: T
    message: str = "OK"
    timestamp: datetime = Field(default_factory=_now)


class PageMeta(BaseModel):
    page: int
    page_size: int
    total: int


class ListEnvelope(Envelope[list[T]], Generic[T]):
    meta: PageMeta


class ErrorField(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: ErrorCode = Field(examples=["VALIDATION_ERROR"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorEnvelope(BaseModel):
    success: Literal[False] = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=_now)


def ok(data: T, message: str = "OK") -> Envelope[T]:
    return Envelope[T](data=data, message=translate(message))


def page_of(
    items: Sequence[T], params: PageParams, total: int, message: str = "OK"
) -> ListEnvelope[T]:
    return ListEnvelope[T](
        data=list(items),
        message=translate(message),
        meta=PageMeta(page=params.page, page_size=params.page_size, total=total),
    )


def rows_json(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Rows already made of JSON values (str, int, float, bool, None, lists; see
    core.json_values) as the JSON array a list envelope's `data` holds: written once, without
    a model object per row, and kept as it is where the rows are cached."""
    return to_json(list(rows))


_EMPTY_DATA = b'"data":[]'


def page_response(data: bytes, params: PageParams, total: int, message: str = "OK") -> Response:
    """A list envelope around `data` from `rows_json`: what `page_of` gives, without FastAPI
    validating the answer again against the route's response_model (which still documents
    it). The envelope is written by its model with no rows, then the rows go in its place."""
    envelope = ListEnvelope[Any].model_construct(
        data=[],
        message=translate(message),
        meta=PageMeta(page=params.page, page_size=params.page_size, total=total),
    )
    head, tail = envelope.__pydantic_serializer__.to_json(envelope).split(_EMPTY_DATA, 1)
    return Response(b"".join((head, b'"data":', data, tail)), media_type="application/json")


def error_envelope(
    code: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    return ErrorEnvelope(
        error=ErrorBody(code=ErrorCode(code), message=message, details=details or {})
    ).model_dump(mode="json")
