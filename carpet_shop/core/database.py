"""Engines and sessions: one transaction per request, opened with the right lock.

SQLite (settings and WAL checkpoints in core.sqlite): WAL so readers never wait for the
writer, foreign keys on, a busy timeout, and write transactions that start with BEGIN
IMMEDIATE. Python's sqlite3 driver would otherwise begin lazily (deferred) and a
read-then-write transaction could fail with "database is locked" instead of queueing; see
SQLAlchemy's notes on pysqlite's transaction handling.
PostgreSQL: psycopg 3 with pre-ping; correctness under concurrency comes from conditional
updates and row locks in the repositories, not from the isolation level.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from carpet_shop.core import metrics, sqlite
from carpet_shop.core.config import Settings
from carpet_shop.core.group_commit import GroupCommit
from carpet_shop.core.read_cache import CommitWatch, ReadCache
from carpet_shop.core.redis import SharedRedis
from carpet_shop.core.shared_cache import RedisCommitWatch

_COMMIT_MARK = "carpet_shop_commit_mark"

# Connections per process: a request holds one from its first query to its commit.
POOL_SIZE = 10
POOL_OVERFLOW = 20
MAX_SESSIONS = POOL_SIZE + POOL_OVERFLOW

P = ParamSpec("P")
R = TypeVar("R")


def _count_connections(engine: Engine) -> None:
    """The pool's use, for /metrics (core.metrics)."""
    in_use, opened = metrics.DB_CONNECTIONS_IN_USE, metrics.DB_CONNECTIONS_OPEN
    event.listen(engine, "checkout", lambda *_: in_use.inc())
    event.listen(engine, "checkin", lambda *_: in_use.dec())
    event.listen(engine, "connect", lambda *_: opened.inc())
    event.listen(engine, "close", lambda *_: opened.dec())
    event.listen(engine, "close_detached", lambda *_: opened.dec())


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 30_000, echo: bool = False) -> Engine:
    # Last in, first out: the connection used last is used next, so its page cache is warm.
    # Handed out in turn instead, each SQLite connection found its cache stale (others had
    # committed since) and read a sale's pages back from the file: about a hundred reads.
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_use_lifo": True}
    if url.startswith("sqlite"):
        engine = create_engine(
            sqlite.shop_url(url),
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1000},
            **pool,
        )
        sqlite.configure(engine, sqlite_busy_timeout_ms)
        _count_connections(engine)
        return engine
    # A server that does not answer is reported after 10 s, not after the system's TCP timeout.
    engine = create_engine(
        url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 10}, **pool
    )
    _count_connections(engine)
    return engine


@dataclass
class Database:
    """The engine and the two kinds of session the service hands out.

    `inline`: database calls of a request run on the event loop instead of a worker thread.
    Right for SQLite served by one process: a statement there is a local file read (tens of
    microseconds), writers already take turns on the loop (see core.dependencies), and
    WAL readers never wait for a lock, so a thread hop costs more than the call it carries.
    Wrong wherever a call can wait: PostgreSQL (network, row locks) and SQLite shared by
    several processes (another process's write lock); there each call takes a thread.
    Inline SQLite writers also share their transactions (`group_commit`).
    """

    engine: Engine
    inline: bool = False
    # The shared Redis, when configured: where commits are announced to the other workers'
    # caches (core.shared_cache) unless SQLite announces them itself.
    shared: SharedRedis | None = None
    # SQLite's writers take turns here, on the event loop (see core.dependencies), unless
    # they commit in groups, which take turns of their own.
    write_turn: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    # Requests with a session, at most as many as the pool has connections: the others wait
    # here, on the loop, rather than for a connection inside a call, where they would hold a
    # worker thread (or the loop itself) that the requests holding connections need to finish.
    session_slots: asyncio.Semaphore = field(
        init=False, default_factory=lambda: asyncio.Semaphore(MAX_SESSIONS)
    )
    # What has been committed, for caches that last until the next commit (core.read_cache).
    commits: CommitWatch | RedisCommitWatch = field(init=False)
    _caches: dict[str, ReadCache[Any]] = field(init=False, default_factory=dict)
    # SQLite served inline by one process: writers share transactions (core.group_commit).
    # A group holds one of `session_slots`, however many members it has.
    group_commit: GroupCommit | None = field(init=False, default=None)
    _read: sessionmaker[Session] = field(init=False)
    _write: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        writer = self.engine
        if self.engine.dialect.name == "sqlite":
            writer = sqlite.writing(self.engine)
        # expire_on_commit=False: responses are shaped after the commit from loaded state.
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(bind=writer, expire_on_commit=False, autoflush=False)
        if self.shared is not None and self.engine.dialect.name != "sqlite":
            self.commits = RedisCommitWatch(self.shared, self._write)
        else:
            self.commits = CommitWatch(self.engine)
        if self.inline and self.engine.dialect.name == "sqlite":
            self.group_commit = GroupCommit(writer.connect, self.session_slots)

    @classmethod
    def from_settings(cls, settings: Settings, shared: SharedRedis | None = None) -> Database:
        engine = make_engine(
            settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
        )
        return cls(
            engine, inline=settings.is_sqlite and settings.web_concurrency == 1, shared=shared
        )

    @property
    def caches_shared(self) -> bool:
        """Whether the read caches are exact across every process serving the database."""
        return self.engine.dialect.name == "sqlite" or isinstance(self.commits, RedisCommitWatch)

    async def run(self, call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Make a blocking database call from async code: on the loop when `inline`, else in
        the thread pool."""
        if self.inline:
            return call(*args, **kwargs)
        return await run_in_threadpool(call, *args, **kwargs)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool) -> Session:
        if write:
            return self._write()
        session = self._read()
        # Taken before the session's first query, so whatever it reads is at least as new as
        # this mark says: what it reads may then be cached under the mark (core.read_cache).
        session.info[_COMMIT_MARK] = self.commits.mark()
        return session

    def read_cache(self, name: str, capacity: int) -> ReadCache[Any]:
        """The cache called `name`, made on first use; it lasts until the next commit."""
        cache = self._caches.get(name)
        if cache is None:
            cache = self._caches.setdefault(name, ReadCache(capacity, name=name))
        return cache

    @staticmethod
    def commit_mark(session: Session) -> int | None:
        """The mark a read session was made at; None for writes and where commits cannot be
        told apart (then nothing it reads is cached)."""
        mark: int | None = session.info.get(_COMMIT_MARK)
        return mark

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work outside HTTP (CLI, jobs, tests): commit on success, else roll back."""
        session = self.session(write=write)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.commits.close()
        self.engine.dispose()
