"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class RequestModel(BaseModel):
    """Input: unknown fields are refused (no mass assignment) and every string is bounded."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, str_max_length=2000)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=2000)]
Phone = Annotated[str, StringConstraints(max_length=32, pattern=r"^\+?[0-9 ()\-]{5,32}$")]
