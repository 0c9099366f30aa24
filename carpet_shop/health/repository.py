"""What the health checks read: the schema's revision, straight from the connection."""

from __future__ import annotations

from sqlalchemy.orm import Session

from carpet_shop.core import preflight


def schema_state(session: Session) -> preflight.SchemaState:
    """The revision the database is at and the one the code needs (core.preflight)."""
    return preflight.schema_state(session.connection())
