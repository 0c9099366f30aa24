from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    database: bool
    version: str
    timestamp: datetime


class DatabaseDetails(BaseModel):
    dialect: str
    size_bytes: int
    disk_free_bytes: int
    disk_total_bytes: int
    migration_revision: str | None


class DetailedHealth(Health):
    environment: str
    uptime_seconds: int
    details: DatabaseDetails
