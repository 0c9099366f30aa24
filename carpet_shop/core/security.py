"""Password hashing (Argon2id via pwdlib) and signed tokens (PyJWT, HS256 only)."""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from carpet_shop.core.errors import TokenExpired, Unauthorized
from carpet_shop.core.i18n import Message

TokenType = Literal["access", "refresh"]
ALLOWED_ALGORITHMS = ["HS256"]


def argon2(*, fast: bool = False) -> Argon2Hasher:
    """Argon2id with pwdlib's memory and time costs (64 MiB, 3 passes) but one lane: a hash
    with pwdlib's 4 lanes takes every core of a small shop server while it runs, and the
    sellers' sales wait for it. One lane keeps it to one core (for longer)."""
    if fast:  # The test suite hashes hundreds of passwords.
        return Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
    return Argon2Hasher(time_cost=3, memory_cost=65536, parallelism=1)


def password_turns() -> int:
    """How many passwords a process hashes or checks at once: all cores but one, so that a
    burst of sign-ins never leaves the sellers without a core."""
    return max(1, (os.cpu_count() or 2) - 1)


class PasswordHasher:
    def __init__(self, *, fast: bool = False, turns: int | None = None):
        self._hash = PasswordHash((argon2(fast=fast),))
        self._turns = threading.BoundedSemaphore(turns or password_turns())
        # Verifying against this keeps an unknown username as slow as a wrong password.
        self._dummy = self._hash.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        with self._turns:
            return self._hash.hash(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        with self._turns:
            if password_hash is None:
                self._hash.verify(password, self._dummy)
                return False
            return self._hash.verify(password, password_hash)


@dataclass(frozen=True)
class TokenClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    token_type: TokenType
    generation: int
    expires_at: datetime


class TokenSigner:
    def __init__(self, secret_key: str, algorithm: str = "HS256"):
        if algorithm not in ALLOWED_ALGORITHMS:
            raise ValueError(f"algorithm {algorithm} is not allowed")
        self._key = secret_key
        self._algorithm = algorithm

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        token_type: TokenType,
        generation: int,
        now: datetime,
        lifetime: timedelta,
    ) -> tuple[str, datetime]:
        expires_at = now + lifetime
        payload = {
            "sub": str(user_id),
            "sid": str(session_id),
            "typ": token_type,
            "gen": generation,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            # Unique per token, so two tokens issued in the same second still differ.
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(payload, self._key, algorithm=self._algorithm), expires_at

    def read(self, token: str, *, expected_type: TokenType, now: datetime) -> TokenClaims:
        claims = _verified_claims(token, self._key)
        if claims.token_type != expected_type:
            raise Unauthorized(
                Message("An {expected_type} token is required", expected_type=expected_type)
            )
        # Expiry is checked against the service clock, so tests can move time.
        if claims.expires_at <= now:
            raise TokenExpired(
                Message("The {expected_type} token has expired", expected_type=expected_type)
            )
        return claims


# A phone sends the same access token with every request for its lifetime: verifying the
# signature once per token (per process) is enough. Invalid tokens raise and are not kept;
# the type and the expiry are checked on every read.
@functools.lru_cache(maxsize=4096)
def _verified_claims(token: str, key: str) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=ALLOWED_ALGORITHMS,
            options={"require": ["exp", "sub", "sid", "typ", "gen"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("The token is not valid") from exc
    token_type = payload.get("typ")
    if token_type not in ("access", "refresh"):
        raise Unauthorized("The token is not valid")
    try:
        return TokenClaims(
            user_id=uuid.UUID(str(payload["sub"])),
            session_id=uuid.UUID(str(payload["sid"])),
            token_type=token_type,
            generation=int(payload["gen"]),
            expires_at=datetime.fromtimestamp(int(payload["exp"]), tz=UTC),
        )
    except (ValueError, TypeError, OverflowError) as exc:
        raise Unauthorized("The token is not valid") from exc


def token_digest(token: str) -> str:
    """Only this digest of a refresh token is stored; the token itself never is."""
    return hashlib.sha256(token.encode()).hexdigest()
