"""Is the service alive, and what state is its database in."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from carpet_shop.core.errors import ServiceUnavailable
from carpet_shop.core.i18n import Message
from carpet_shop.health import repository


def check_database(session: Session) -> None:
    """503 with the reason when the database cannot serve: unreachable, or its schema is not
    the one this version of the code needs (a deploy that forgot `carpet-shop migrate`)."""
    try:
        state = repository.schema_state(session)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "The database is not reachable", details={"database": False, "reason": "unreachable"}
        ) from exc
    if state.pending:
        message = (
            Message(
                "Migrations are pending: the database is at {current}, this version needs "
                "{expected}; run `carpet-shop migrate`",
                current=", ".join(state.current),
                expected=", ".join(state.heads),
            )
            if state.current
            else Message("The database has no schema yet; run `carpet-shop migrate`")
        )
        raise ServiceUnavailable(
            message,
            details={
                "database": True,
                "reason": "migrations_pending",
                "revision": list(state.current),
                "expected_revision": list(state.heads),
            },
        )


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
