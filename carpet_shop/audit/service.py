"""The audit trail: written in the same transaction as the change it describes."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.audit.models import AuditAction, AuditLog
from carpet_shop.audit.repository import AuditLogRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_midnight
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams

# Never copied into the trail, only noted as changed.
SECRET_FIELDS = frozenset({"password_hash", "password", "refresh_token_hash"})


# Exact types: a str or int enum is written as its value, below.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _json_safe(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def snapshot(entity: object, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of an entity, as they are now."""
    return {name: getattr(entity, name) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """`{field: {"old": …, "new": …}}` for the fields whose value changed."""
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in SECRET_FIELDS:
            changes[name] = {"old": "***", "new": "***"}
        else:
            changes[name] = {"old": _json_safe(old), "new": _json_safe(new)}
    return changes


def created(after: Mapping[str, Any]) -> dict[str, Any]:
    return diff({}, {k: v for k, v in after.items() if v is not None})


def _entry(
    *,
    user_id: uuid.UUID | None,
    action: AuditAction,
    entity_type: str,
    entity_id: uuid.UUID | None,
    changes: Mapping[str, Any] | None,
    meta: RequestMeta,
    clock: Clock,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "user_id": user_id,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "changes": _json_safe(dict(changes or {})),
        "ip_address": meta.ip_address,
        "user_agent": meta.user_agent,
        "timestamp": clock.now(),
    }


def record(
    session: Session,
    *,
    user_id: uuid.UUID | None,
    action: AuditAction,
    entity_type: str,
    entity_id: uuid.UUID | None,
    changes: Mapping[str, Any] | None,
    meta: RequestMeta,
    clock: Clock,
) -> None:
    AuditLogRepository(session).append(
        _entry(
            user_id=user_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=changes,
            meta=meta,
            clock=clock,
        )
    )


def list_entries(
    session: Session,
    page: PageParams,
    *,
    tz: ZoneInfo,
    user_id: uuid.UUID | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    action: AuditAction | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[Sequence[AuditLog], int]:
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationFailed.field("date_to", "date_to is before date_from")
    repository = AuditLogRepository(session)
    # Dates are shop days, both ends inclusive.
    stmt = repository.search(
        user_id=user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        since=shop_midnight(date_from, tz) if date_from else None,
        before=shop_midnight(date_to + timedelta(days=1), tz) if date_to else None,
    )
    return repository.paginate(stmt, page)


def log(
    session: Session,
    actor: Actor,
    clock: Clock,
    action: AuditAction,
    entity_type: str,
    entity_id: uuid.UUID | None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Record what a signed-in user did."""
    record(
        session,
        user_id=actor.id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes,
        meta=actor.meta,
        clock=clock,
    )


def log_deleted(
    session: Session,
    actor: Actor,
    clock: Clock,
    entity_type: str,
    entity_id: uuid.UUID,
    deleted_at: datetime,
) -> None:
    """A soft delete: the trail records when the row was hidden."""
    change = {"deleted_at": {"old": None, "new": deleted_at.isoformat()}}
    log(session, actor, clock, AuditAction.DELETE, entity_type, entity_id, change)


def log_restored(
    session: Session,
    actor: Actor,
    clock: Clock,
    entity_type: str,
    entity_id: uuid.UUID,
    deleted_at: datetime,
) -> None:
    """A restore of a soft-deleted row (an update of its deleted_at back to none)."""
    change = {"deleted_at": {"old": deleted_at.isoformat(), "new": None}}
    log(session, actor, clock, AuditAction.UPDATE, entity_type, entity_id, change)


def log_updated(
    session: Session,
    actor: Actor,
    clock: Clock,
    entity_type: str,
    entity: Any,
    before: Mapping[str, Any],
    *,
    also: Mapping[str, Any] | None = None,
) -> None:
    """A change to a row: each audited field that changed, from `before` (its `snapshot`
    taken before the change, whose keys name the fields) to its value now. `also` adds
    entries that are not fields (`{name: what happened}`, shown as new)."""
    changes = diff(before, snapshot(entity, before))
    for name, value in (also or {}).items():
        changes[name] = {"old": None, "new": value}
    log(session, actor, clock, AuditAction.UPDATE, entity_type, entity.id, changes)


def log_removed(
    session: Session,
    actor: Actor,
    clock: Clock,
    entity_type: str,
    entity_id: uuid.UUID,
    before: Mapping[str, Any],
) -> None:
    """A row deleted for good (master data): its audited fields as they were."""
    log(session, actor, clock, AuditAction.DELETE, entity_type, entity_id, diff(before, {}))


def log_created(
    session: Session,
    actor: Actor,
    clock: Clock,
    entity_type: str,
    entity: object,
    fields: Iterable[str],
) -> None:
    """A new row: its audited fields as the change (from nothing)."""
    log_created_each(session, actor, clock, entity_type, [entity], tuple(fields))


def log_created_each(
    session: Session,
    actor: Actor,
    clock: Clock,
    entity_type: str,
    entities: Sequence[object],
    fields: Sequence[str],
) -> None:
    """`log_created` for several new rows (an import's products): an entry each, written
    together."""
    entries = [
        _entry(
            user_id=actor.id,
            action=AuditAction.CREATE,
            entity_type=entity_type,
            entity_id=getattr(entity, "id", None),
            changes=created(snapshot(entity, fields)),
            meta=actor.meta,
            clock=clock,
        )
        for entity in entities
    ]
    AuditLogRepository(session).append_each(entries)
