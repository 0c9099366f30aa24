"""Is the service alive, and what state is its database in."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from carpet_shop.core.errors import ServiceUnavailable


def check_database(session: Session) -> None:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "The database is not reachable", details={"database": False}
        ) from exc


def migration_revision(session: Session) -> str | None:
    try:
        revision: str | None = session.scalar(text("SELECT version_num FROM alembic_version"))
        return revision
    except SQLAlchemyError:
        return None


def database_details(session: Session) -> dict[str, Any]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        size = int(
            session.scalar(
                text("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
            )
            or 0
        )
        path = session.get_bind().engine.url.database
        folder = Path(path).resolve().parent if path and path != ":memory:" else Path.cwd()
    else:
        size = int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
        folder = Path.cwd()
    disk = shutil.disk_usage(folder)
    return {
        "dialect": dialect,
        "size_bytes": size,
        "disk_free_bytes": disk.free,
        "disk_total_bytes": disk.total,
        "migration_revision": migration_revision(session),
    }
