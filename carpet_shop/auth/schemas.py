from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.users.models import Role
from carpet_shop.users.schemas import Password, UserRead

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


class ForgotPasswordRequest(RequestModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=50)] = Field(
        examples=["seller1"]
    )


class ResetPasswordRequest(RequestModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The reset code from Telegram or from the director"
    )
    new_password: Password


class ResetCode(ReadModel):
    """A reset code the director hands over in person; it works once, until `expires_at`."""

    code: str
    expires_at: datetime


class TokenPair(ReadModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires")
    session_id: uuid.UUID
    user: UserRead


class PasswordChanged(UserRead):
    """One's own password changed: the session in use continues with `tokens`; its old
    tokens and every other session of the user end."""

    tokens: TokenPair


class SessionRead(ReadModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    ip_address: str | None
    user_agent: str | None
    current: bool = False


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """The person behind an access token: the columns every request needs (core.actor),
    read together with the session check in one prepared query."""

    id: uuid.UUID
    username: str
    full_name: str
    role: Role
    branch_id: uuid.UUID | None
    can_add_products: bool
    commission_rate: Decimal
    is_active: bool
    deleted_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
