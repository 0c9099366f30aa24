from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert

from carpet_shop.audit.models import AuditAction, AuditLog
from carpet_shop.core.prepared import Prepared
from carpet_shop.core.repository import Repository

# Entries are only ever appended, and nothing reads one back in the transaction that wrote
# it: one prepared INSERT, instead of an object for the unit of work to flush.
_APPEND = Prepared(insert(AuditLog))


class AuditLogRepository(Repository[AuditLog]):
    model = AuditLog

    def append(self, entry: dict[str, Any]) -> None:
        _APPEND.execute(self.connection, entry)

    def append_each(self, entries: Sequence[dict[str, Any]]) -> None:
        _APPEND.execute_many(self.connection, entries)

    def search(
        self,
        *,
        user_id: uuid.UUID | None,
        entity_type: str | None,
        entity_id: uuid.UUID | None,
        action: AuditAction | None,
        since: datetime | None,
        before: datetime | None,
    ) -> Select[AuditLog]:
        stmt = self.statement()
        if user_id is not None:
            stmt = stmt.where(AuditLog.user_id == user_id)
        if entity_type is not None:
            stmt = stmt.where(AuditLog.entity_type == entity_type)
        if entity_id is not None:
            stmt = stmt.where(AuditLog.entity_id == entity_id)
        if action is not None:
            stmt = stmt.where(AuditLog.action == action)
        if since is not None:
            stmt = stmt.where(AuditLog.timestamp >= since)
        if before is not None:
            stmt = stmt.where(AuditLog.timestamp < before)
        return stmt.order_by(AuditLog.timestamp.desc(), AuditLog.id.desc())
