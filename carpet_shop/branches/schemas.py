from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import Name, Phone, ReadModel, RequestModel, ShortText

BranchCode = Annotated[
    str, StringConstraints(min_length=1, max_length=8, pattern=r"^[A-Za-z0-9]+$", to_upper=True)
]


class BranchCreate(RequestModel):
    name: Name = Field(examples=["Chilonzor filiali"])
    code: BranchCode | None = Field(
        default=None, description="Receipt number prefix; made from the name when left out"
    )
    address: ShortText | None = None
    phone: Phone | None = None


class BranchUpdate(RequestModel):
    name: Name | None = None
    code: BranchCode | None = None
    address: ShortText | None = None
    phone: Phone | None = None


class BranchRead(ReadModel):
    id: uuid.UUID
    name: str
    code: str
    address: str | None
    phone: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
