"""What is checked before the service or a command touches the database, so that an operator
reads one line saying what is wrong instead of a driver's traceback (see core.plain_errors)."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

from carpet_shop.core.config import ConfigurationError
from carpet_shop.core.migrations import alembic_config


def check_database_directory(database_url: str) -> None:
    """A SQLite file may be new, but its directory must exist: a typo in the path should not
    quietly make an empty shop somewhere else."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return
    folder = Path(url.database).expanduser().resolve().parent
    if not folder.is_dir():
        raise ConfigurationError(
            f"The directory {folder} (from DATABASE_URL) does not exist: create it, "
            "or point DATABASE_URL at an existing one."
        )


def check_port_free(host: str, port: int) -> None:
    """Refuse early, in words, when another process already listens on the port."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: SO_REUSEADDR, so a port in TIME_WAIT is not taken for busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigurationError(
                    f"Port {port} on {host} is already in use: stop the program using it, "
                    "or choose another with --port."
                ) from exc
            if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
                raise ConfigurationError(
                    f"Cannot listen on {host}: no such address on this machine (use "
                    "127.0.0.1, 0.0.0.0 or one of its own addresses with --host)."
                ) from exc
            if exc.errno == errno.EACCES:
                raise ConfigurationError(
                    f"Not allowed to listen on port {port}: ports below 1024 need privileges; "
                    "use a higher --port behind the reverse proxy (see deploy/)."
                ) from exc
            raise


@dataclass(frozen=True)
class SchemaState:
    """Where the database's schema is, against what this version of the code needs."""

    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def pending(self) -> bool:
        return set(self.current) != set(self.heads)

    def describe(self) -> str:
        at = ", ".join(self.current) or "no schema"
        return f"the database is at {at}; this version needs {', '.join(self.heads)}"


@cache
def code_heads() -> tuple[str, ...]:
    """The revisions this version of the code expects (read once from the migration files)."""
    script = ScriptDirectory.from_config(alembic_config(""))
    return tuple(sorted(script.get_heads()))


_VERSIONS = text("SELECT version_num FROM alembic_version")


def schema_state(connection: Connection) -> SchemaState:
    """Read straight from Alembic's table rather than through a MigrationContext, which logs
    two lines each time it is made: on every /health probe, and before `serve`'s one line."""
    current: tuple[str, ...] = ()
    if inspect(connection).has_table("alembic_version"):
        current = tuple(sorted(row[0] for row in connection.execute(_VERSIONS)))
    return SchemaState(current=current, heads=code_heads())
