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
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, ParamSpec, Protocol, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from carpet_shop.core import metrics, sqlite
from carpet_shop.core import read_cache as kept_reads
from carpet_shop.core.config import Settings
from carpet_shop.core.errors import keeps_writes
from carpet_shop.core.events import Announcer
from carpet_shop.core.group_commit import GroupCommit
from carpet_shop.core.read_cache import CommitWatch, ReadCache
from carpet_shop.core.redis import SharedRedis
from carpet_shop.core.shared_cache import RedisCommitWatch

_RUN = "carpet_shop_run"
# A session whose calls run in threads: each call ends the transaction it leaves open.
_ENDS_IN_CALL = "carpet_shop_ends_in_call"
_FLUSHED = "carpet_shop_flushed"
_ENDED = "carpet_shop_ended"
_COMMITTED = "carpet_shop_committed"
_READ = "carpet_shop_read"
# A quick read's way off the loop: where it runs again when what it reads is not kept.
_QUICK_FALLBACK = "carpet_shop_quick_fallback"

# Connections per process: a request holds one from its first query to its commit.
POOL_SIZE = 10
POOL_OVERFLOW = 20
MAX_SESSIONS = POOL_SIZE + POOL_OVERFLOW

# Reads of SQLite served by one process run in the thread pool, at most this many at once.
# SQLite lets go of the interpreter while a statement runs, so a long read (the director's
# analytics) goes on beside the event loop, where the writers take their turns; the bound
# keeps readers' Python work from taking the interpreter from the loop more than that.
SQLITE_READERS = 2

P = ParamSpec("P")
R = TypeVar("R")


class Run(Protocol):
    """Where a session's database calls run: `await run(call, *args, **kwargs)`."""

    def __call__(self, call: Callable[..., R], /, *args: Any, **kwargs: Any) -> Awaitable[R]: ...


async def on_loop(call: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
    return call(*args, **kwargs)


def in_threads(limiter: CapacityLimiter | None = None) -> Run:
    async def run(call: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        return await anyio.to_thread.run_sync(
            functools.partial(call, *args, **kwargs), limiter=limiter
        )

    return run


def run_of(session: Session) -> Run:
    """Where the request's session says its work runs (see `Database.unit_of_work`). Where
    that is a thread, a call that wrote nothing ends the transaction it used before it
    returns (a commit: loaded objects stay usable), so no transaction is left open while the
    request waits for the event loop or the next thread: a dependency's reads (who is
    signed in) hold nothing while the route waits for its turn."""
    run: Run = session.info[_RUN]
    if not session.info.get(_ENDS_IN_CALL):
        return run

    async def ending(call: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        return await run(_call_then_end_reads, session, call, args, kwargs)

    return ending


async def run_to_the_end(session: Session, call: Callable[..., R], /, **kwargs: Any) -> R:
    """The route's body where its session runs. In a thread, its transaction ends in that
    same call: committed (or rolled back, or committed when the error keeps writes), so the
    rows it locked are never held while the commit waits for a thread, nor while the answer
    is sent. Any SQL after that (a lazy load while the answer is shaped) begins a new
    transaction, which tests refuse (`Database.check_ends`).

    A quick read on the loop is served there only from kept answers (core.read_cache): the
    first read that is not kept stops it (NotKept, before it has read anything but the
    commit mark), and it runs again in a reader thread, like any other read."""
    fallback: Run | None = session.info.get(_QUICK_FALLBACK)
    if fallback is not None:
        try:
            with kept_reads.kept_only(session):
                return call(**kwargs)
        except kept_reads.NotKept:
            return await fallback(call, **kwargs)
    run: Run = session.info[_RUN]
    if not session.info.get(_ENDS_IN_CALL):
        return await run(call, **kwargs)
    return await run(_call_then_end, session, call, kwargs)


def _call_then_end(session: Session, call: Callable[..., R], kwargs: dict[str, Any]) -> R:
    try:
        result = call(**kwargs)
    except BaseException as exc:
        _end_transaction(session, keep=keeps_writes(exc))
        session.info[_ENDED] = True
        raise
    _end_transaction(session, keep=True)
    session.info[_ENDED] = True
    session.info[_COMMITTED] = True
    return result


def _call_then_end_reads(
    session: Session, call: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> R:
    try:
        result = call(*args, **kwargs)
    except BaseException:
        if not _wrote(session):
            _end_transaction(session, keep=False)
        raise
    if not _wrote(session):
        _end_transaction(session, keep=True)
    return result


def _wrote(session: Session) -> bool:
    """Whether the session's open transaction holds writes (or changes not yet flushed, or
    on PostgreSQL row locks): those stay for the route, ended with the request's unit of work."""
    if not session.in_transaction():
        return False
    if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED):
        return True
    connection = session.connection()
    if connection.dialect.name != "postgresql" or session.info.get(_READ):
        return False
    # A transaction gets an id at its first write or row lock.
    return bool(connection.exec_driver_sql(_XID_ASSIGNED).scalar())


_XID_ASSIGNED = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"


def _end_transaction(session: Session, *, keep: bool) -> None:
    if not session.in_transaction():
        return
    if not keep:
        session.rollback()
        return
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _flushed(session: Session, *_: object) -> None:
    session.info[_FLUSHED] = True


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_FLUSHED, None)


def _refuse_sql_after_the_end(session: Session, *_: object) -> None:
    if session.info.get(_ENDED):
        raise SqlAfterTheEnd(
            "The route's transaction has ended (committed with its body, see "
            "core.database.run_to_the_end), yet the session ran SQL after it: load what the "
            "answer needs in the route's body (a lazy load while the answer is shaped?)"
        )


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
    """The engine and the two kinds of session the service hands out, and where each runs.

    `inline`: writes run on the event loop instead of a worker thread. Right for SQLite
    served by one process: a statement there is a local file read (tens of microseconds),
    writers take turns on the loop anyway, so a thread hop costs more than the call it
    carries. Wrong wherever a call can wait: PostgreSQL (network, row locks) and SQLite
    shared by several processes (another process's write lock); there each call takes a
    thread. Reads of SQLite run in the thread pool, a few at once (`SQLITE_READERS`), so a
    long one never holds up the loop and the sellers' sales on it.
    `group_commits`: inline SQLite writers share their transactions (core.group_commit).
    """

    engine: Engine
    inline: bool = False
    group_commits: bool = False
    # Tests: a session that runs SQL after its route's transaction ended fails loudly
    # (see `run_to_the_end`).
    check_ends: bool = False
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
    # Told what each committed transaction announced (core.events).
    announcer: Announcer = field(init=False, default_factory=Announcer)
    # SQLite served inline by one process: writers share transactions (core.group_commit).
    # A group holds one of `session_slots`, however many members it has.
    group_commit: GroupCommit | None = field(init=False, default=None)
    _read: sessionmaker[Session] = field(init=False)
    _write: sessionmaker[Session] = field(init=False)
    _readers: CapacityLimiter | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        writer = self.engine
        if self.engine.dialect.name == "sqlite":
            writer = sqlite.writing(self.engine)
        # expire_on_commit=False: responses are shaped after the commit from loaded state.
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(bind=writer, expire_on_commit=False, autoflush=False)
        event.listen(self._read, "before_flush", _refuse_writes)
        kept_reads.watch(self._read)
        for sessions in (self._read, self._write):
            event.listen(sessions, "after_flush", _flushed)
            event.listen(sessions, "after_transaction_end", _transaction_ended)
            if self.check_ends:
                event.listen(sessions, "after_begin", _refuse_sql_after_the_end)
        self.commits = CommitWatch(self.engine)
        if self.shared is not None and self.engine.dialect.name != "sqlite":
            self.commits = RedisCommitWatch(self.shared, self._write)
        sqlite_file = self.engine.dialect.name == "sqlite"
        self.inline = self.inline and sqlite_file
        if self.inline and self.group_commits:
            self.group_commit = GroupCommit(writer.connect, self.session_slots)

    @classmethod
    def from_settings(cls, settings: Settings, shared: SharedRedis | None = None) -> Database:
        engine = make_engine(
            settings.database_url,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            echo=settings.sql_echo,
        )
        # Several processes never run SQLite on the loop (create_app refuses to start so).
        one_process = settings.web_concurrency == 1
        return cls(
            engine,
            inline=settings.sqlite_on_loop and one_process,
            group_commits=settings.group_commit,
            shared=shared,
            check_ends=settings.environment == "test",
        )

    def runner(self, *, write: bool, quick: bool = False) -> Run:
        """Where a session's calls run: writes and quick reads of inline SQLite on the loop,
        other reads of SQLite in a few threads of their own, everything else in the thread
        pool. A quick read (`QuickReadSession`) is answered from a kept page or by key in
        less time than handing it to a thread and back takes."""
        if self.inline and (write or quick):
            return on_loop
        if self.dialect == "sqlite":
            return self._reader_threads()
        return in_threads()

    def _reader_threads(self) -> Run:
        if self._readers is None:
            self._readers = CapacityLimiter(SQLITE_READERS)
        return in_threads(self._readers)

    @asynccontextmanager
    async def unit_of_work(self, *, write: bool, quick: bool = False) -> AsyncIterator[Session]:
        """A request's session, committed when the block ends normally (or with an error
        that keeps writes, see `AppError`) and rolled back otherwise; its `run_of` says
        where its calls run. On SQLite served by one process, writes are savepoints of a
        transaction shared with the writers queued behind them (core.group_commit).

        What the transaction announced (core.events) is handed to the app's listeners once
        it is committed, and dropped when it is not."""
        run = self.runner(write=write, quick=quick)
        if write and self.group_commit is not None:
            member: Session | None = None
            try:
                async with self.group_commit.session() as member:
                    member.info[_RUN] = run
                    yield member
            except BaseException as exc:
                if member is not None and keeps_writes(exc):
                    self.announcer.committed(member)
                raise
            self.announcer.committed(member)
            return
        async with self._turn(write), self.session_slots:
            session = self.session(write=write)
            session.info[_RUN] = run
            if quick and run is on_loop:
                session.info[_QUICK_FALLBACK] = self._reader_threads()
            if run is not on_loop:
                # Each call ends what it began (`run_of`, `run_to_the_end`): a transaction is
                # never left open while the request waits for a thread or the loop.
                session.info[_ENDS_IN_CALL] = True
                session.info[_READ] = not write
            try:
                yield session
            except BaseException as exc:
                keep = keeps_writes(exc)
                await _finish(run, session, keep=keep)
                # Announced when committed: here, or already with the route's body (an error
                # raised after `run_to_the_end` committed does not undo its writes).
                if keep or session.info.get(_COMMITTED):
                    self.announcer.committed(session)
                raise
            await _finish(run, session, keep=True)
        self.announcer.committed(session)

    def _turn(self, write: bool) -> AbstractAsyncContextManager[Any]:
        """SQLite's writers wait for their turn here, before they take a thread or a
        connection, and keep it until their transaction has ended.

        A write transaction takes SQLite's lock with its first statement (BEGIN IMMEDIATE).
        If every pool thread were held by requests waiting for the lock, the request holding
        it would wait for a thread: stuck until the busy timeout, then "database is locked"
        for all. SQLite has one writer at a time anyway, so queueing them here first costs
        nothing. Other processes (several workers) still meet at the busy timeout."""
        if write and self.dialect == "sqlite":
            return self.write_turn
        return nullcontext()

    @property
    def caches_shared(self) -> bool:
        """Whether the read caches are exact across every process serving the database."""
        return self.engine.dialect.name == "sqlite" or isinstance(self.commits, RedisCommitWatch)

    async def run(self, call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """A blocking write call from async code (jobs, tests): where a write session's run."""
        return await self.runner(write=True)(call, *args, **kwargs)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool) -> Session:
        if write:
            return self._write()
        session = self._read()
        # The mark is taken as its transaction begins, before its first query, so whatever it
        # reads is at least as new as the mark says: what it reads may then be kept under the
        # mark (core.read_cache). Taken where that query runs, not here on the event loop.
        kept_reads.attach(session, self._caches, self.commits.mark)
        return session

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
        self.announcer.committed(session)

    def read_cache(self, name: str, capacity: int) -> ReadCache[Any]:
        """The cache called `name` (see `core.read_cache.kept`)."""
        return kept_reads.cache_in(self._caches, name, capacity)

    @staticmethod
    def commit_mark(session: Session) -> int | None:
        """The mark a read session was made at; None for writes and where commits cannot be
        told apart (then nothing it reads is kept)."""
        return kept_reads.mark_of(session)

    def dispose(self) -> None:
        self.commits.close()
        self.engine.dispose()


class WriteInReadSession(RuntimeError):
    """A route declared ReadSession but changed something: it must declare WriteSession."""


def _refuse_writes(session: Session, *_: object) -> None:
    raise WriteInReadSession("A read session never writes: declare WriteSession")


class SqlAfterTheEnd(RuntimeError):
    """A session ran SQL after its route's transaction had ended (tests only)."""


async def _finish(run: Run, session: Session, *, keep: bool) -> None:
    """The unit of work's end: nothing left to end (the route's call ended it) is a close,
    on the loop; a transaction still open is ended where the session runs."""
    if session.in_transaction():
        await run(_end, session, keep=keep)
    else:
        session.close()


def _end(session: Session, *, keep: bool) -> None:
    try:
        if keep:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
