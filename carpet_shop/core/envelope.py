"""The success and error envelopes of CONTRACT.md, made in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from fastapi.responses import Response
from pydantic import BaseModel, Field

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
    code: str = Field(examples=["VALIDATION_ERROR"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorEnvelope(BaseModel):
    success: Literal[False] = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=_now)


def ok(data: T, message: str = "OK") -> Envelope[T]:
    return Envelope[T](data=data, message=message)


def page_of(
    items: Sequence[T], params: PageParams, total: int, message: str = "OK"
) -> ListEnvelope[T]:
    return ListEnvelope[T](
        data=list(items),
        message=message,
        meta=PageMeta(page=params.page, page_size=params.page_size, total=total),
    )


def page_response(
    rows: Sequence[Mapping[str, Any]], params: PageParams, total: int, message: str = "OK"
) -> Response:
    """A list envelope of rows already made of JSON values (str, int, float, bool, None,
    lists), written in one pass: what `page_of` gives, without a model object per row and
    without FastAPI validating the answer again against the route's response_model (which
    still documents it). See core.json_values for making such rows."""
    envelope = ListEnvelope[Any].model_construct(
        data=list(rows),
        message=message,
        meta=PageMeta(page=params.page, page_size=params.page_size, total=total),
    )
    body = envelope.__pydantic_serializer__.to_json(envelope)
    return Response(body, media_type="application/json")


def error_envelope(
    code: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    return ErrorEnvelope(
        error=ErrorBody(code=code, message=message, details=details or {})
    ).model_dump(mode="json")
