"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator

# A NUL character cannot be stored or compared in PostgreSQL text: refuse it at the door.
NO_NUL = r"^[^\x00]*$"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class RequestModel(BaseModel):
    """Input: unknown fields are refused (no mass assignment) and every string is bounded.

    An update's fields default to None, meaning "unchanged"; those the object cannot be
    without are listed in `not_null`, so that an explicit null is a 422 on that field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, str_max_length=2000)
    not_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_null:
            raise ValueError("cannot be null")
        if _has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=2000)]
Phone = Annotated[str, StringConstraints(max_length=32, pattern=r"^\+?[0-9 ()\-]{5,32}$")]
