from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.users.schemas import UserRead

Token = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class LoginRequest(RequestModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=50)] = Field(
        examples=["admin"]
    )
    password: Annotated[
        str, StringConstraints(min_length=1, max_length=128, strip_whitespace=False)
    ] = Field(examples=["admin123"])


class RefreshRequest(RequestModel):
    refresh_token: Token


class TokenPair(ReadModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires")
    session_id: uuid.UUID
    user: UserRead


class SessionRead(ReadModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    ip_address: str | None
    user_agent: str | None
    current: bool = False
