"""What SQLite needs and PostgreSQL does not: connection settings, and WAL checkpoints kept
off the requests' path.

In WAL mode a commit appends the changed pages to the `-wal` file; a checkpoint copies them
back into the database file and syncs it to disk. By default SQLite runs one inside
whichever commit finds the WAL past 1,000 pages, so every few dozen sales one seller's
request stalls on a copy and an fsync it did not cause. Here a thread of the serving process
checkpoints every second instead (`Checkpointer`), and a commit does it itself only if the
WAL has grown past `INLINE_CHECKPOINT_PAGES` (the thread has stopped, or fallen far behind):
a bound on the WAL, not the usual path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, Connection, make_url

from carpet_shop.core.prepared import run_sql

log = logging.getLogger("carpet_shop.sqlite")

BEGIN_MODE = "carpet_shop_sqlite_begin"
# About 40 MB of 4 KiB pages: several seconds of sales at the busiest.
INLINE_CHECKPOINT_PAGES = 10_000
CHECKPOINT_INTERVAL_SECONDS = 1.0


class ShopSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler with table hints: `select(...).with_hint(Table, "INDEXED BY ix",
    dialect_name="sqlite")` pins the index a query walks (a report streaming a year of
    sales in date order, sqlite.org/lang_indexedby.html)."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


class ShopSQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite, with savepoints sent straight to the driver's cursor.

    Every write of a group commit (core.group_commit) runs in a savepoint of its own.
    SQLAlchemy sends SAVEPOINT and RELEASE through a full statement execution, compiled anew
    each time, which costs far more than the statement itself (README, "Benchmark"). Like
    the prepared statements, they are logged by `echo` but not seen by cursor-execute event
    listeners.
    """

    supports_statement_cache = True
    statement_compiler = ShopSQLiteCompiler

    def do_savepoint(self, connection: Connection, name: str) -> None:
        run_sql(connection, f"SAVEPOINT {name}")

    def do_release_savepoint(self, connection: Connection, name: str) -> None:
        run_sql(connection, f"RELEASE SAVEPOINT {name}")

    def do_rollback_to_savepoint(self, connection: Connection, name: str) -> None:
        run_sql(connection, f"ROLLBACK TO SAVEPOINT {name}")
        # SQLite keeps a savepoint open after rolling back to it; SQLAlchemy is done with it.
        run_sql(connection, f"RELEASE SAVEPOINT {name}")


registry.register("sqlite.carpet_shop", __name__, ShopSQLiteDialect.__name__)


def shop_url(url: str) -> URL:
    """`url`, served by `ShopSQLiteDialect` when it names SQLite's default driver."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed.set(drivername="sqlite+carpet_shop")
    return parsed


def writing(engine: Engine) -> Engine:
    """`engine`, whose transactions begin with the write lock (BEGIN IMMEDIATE)."""
    return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def file_of(engine: Engine) -> str | None:
    """The database file of a SQLite engine; None for PostgreSQL and in-memory databases."""
    if engine.dialect.name != "sqlite":
        return None
    path = engine.url.database
    return path if path and path != ":memory:" and not path.startswith("file:") else None


def configure(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions begun by SQLAlchemy's "begin"
    event (with BEGIN IMMEDIATE for writers, see core.database)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A savepoint keeps the pages it changes in a journal of its own (core.group_commit
        # opens one per write): in memory, not spilled to a temporary file.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA wal_autocheckpoint={INLINE_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        # Every request's transaction starts here: on the driver's cursor (core.prepared).
        run_sql(connection, f"BEGIN {mode}")


class Checkpointer:
    """Copies committed pages from the WAL into the database file every `interval` seconds.

    PASSIVE checkpoints: they never wait for readers or writers, so requests go on while
    one runs; pages a reader may still need are copied by a later pass. The work runs on a
    worker thread (SQLite releases the GIL while it copies and syncs), with a connection of
    its own that holds no transaction.
    """

    def __init__(self, engine: Engine, interval: float = CHECKPOINT_INTERVAL_SECONDS):
        self._path = file_of(engine)
        self.interval = interval
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def needed(self) -> bool:
        return self._path is not None

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One pass: (busy, frames in the WAL, frames copied), or None without a file."""
        if self._path is None:
            return None
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    self._path, isolation_level=None, check_same_thread=False
                )
            row = self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        busy, frames, copied = (int(value) for value in row)
        return busy, frames, copied

    def start(self) -> None:
        if self.needed:
            self._task = asyncio.create_task(self._loop(), name="sqlite-checkpoints")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.to_thread(self.checkpoint)
            except sqlite3.Error:
                # Commits checkpoint themselves past INLINE_CHECKPOINT_PAGES meanwhile.
                log.exception("WAL checkpoint failed; retrying at the next interval")
                with self._lock:
                    if self._connection is not None:
                        self._connection.close()
                        self._connection = None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
