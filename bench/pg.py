"""The benchmark's PostgreSQL database: made fresh on the given server, dropped afterwards."""

from __future__ import annotations

import secrets

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def database_for(server_url: str, *, reuse: bool) -> tuple[str, str | None]:
    """The URL to benchmark, and the name of the database made for it (None if reused)."""
    if reuse:
        return server_url, None
    name = f"carpet_bench_{secrets.token_hex(4)}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    return url, name


def drop(server_url: str, name: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
