"""Safe retries: a request repeated with the same Idempotency-Key gets the first answer.

The key is claimed (its record inserted) first thing in the request's transaction, and the
answer is stored in the same transaction, so:
- a retry after a success replays the stored status and body and creates nothing;
- a retry racing the first attempt waits for it (PostgreSQL: the unique index on
  (user_id, key); SQLite: one writer at a time) and then replays its answer;
- a failed attempt rolls its claim back with everything else, so a retry is tried afresh;
- the same key with a different body is 409 CONFLICT.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict
from carpet_shop.sales.repository import IdempotencyRepository

IN_PROGRESS = 0


@dataclass(frozen=True)
class Claim:
    user_id: uuid.UUID
    key: str


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def request_hash(operation: str, body: BaseModel) -> str:
    canonical = json.dumps(
        [operation, body.model_dump(mode="json", exclude_unset=True)],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def begin(
    session: Session,
    clock: Clock,
    user_id: uuid.UUID,
    key: str,
    operation: str,
    body: BaseModel,
) -> Claim | Replay:
    repo = IdempotencyRepository(session)
    digest = request_hash(operation, body)
    if repo.claim(user_id, key, digest, clock.now()):
        return Claim(user_id, key)
    record = repo.find(user_id, key)
    if record is None:  # pragma: no cover - the claim conflicted, so the row exists
        raise Conflict("The Idempotency-Key could not be claimed; try again")
    if record.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was already used for a different request",
            details={"header": "Idempotency-Key"},
        )
    if record.status_code == IN_PROGRESS:  # pragma: no cover - only a crashed writer leaves it
        raise Conflict("A request with this Idempotency-Key is still being processed")
    return Replay(record.status_code, record.response)


def finish(session: Session, claim: Claim, status_code: int, body: dict[str, Any]) -> None:
    IdempotencyRepository(session).complete(claim.user_id, claim.key, status_code, body)
