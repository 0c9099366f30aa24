from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from carpet_shop.audit.models import AuditAction
from carpet_shop.core.schemas import ReadModel


class AuditLogRead(ReadModel):
    id: uuid.UUID
    user_id: uuid.UUID | None
    action: AuditAction
    entity_type: str
    entity_id: uuid.UUID | None
    changes: dict[str, Any]
    ip_address: str | None
    user_agent: str | None
    timestamp: datetime
