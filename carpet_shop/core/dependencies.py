"""Request-level dependencies: the transaction, the clock, the settings, the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from carpet_shop.core.clock import Clock
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.core.errors import keeps_writes

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Dependencies are `async def`: FastAPI runs sync ones in a thread pool, and that hop costs
# more than most of them do. Those that touch the database call it through `Database.run`.


@asynccontextmanager
async def _sqlite_write_turn(request: Request, database: Database) -> AsyncIterator[None]:
    """On SQLite, a request that writes waits for its turn here, before it takes a worker thread
    or a connection, and keeps it until its transaction has ended.

    A write transaction takes SQLite's lock with its first statement (BEGIN IMMEDIATE), which
    already happens while the caller is authenticated; the route may then run in another call
    into the thread pool. If every pool thread were held by requests waiting for the lock,
    the request holding it would wait for a thread: stuck until the busy timeout, then
    "database is locked" for all. SQLite has one writer at a time anyway, so queueing them
    here first costs nothing. Other processes (several workers) still meet at the busy timeout.
    """
    if request.method in SAFE_METHODS or database.dialect != "sqlite":
        yield
        return
    async with database.write_turn:
        yield


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's one unit of work: committed after the route returns, before the answer.

    A session touches the database only when first used, so making it costs no I/O; the
    commit or rollback goes through `Database.run` (core.database says where it runs). On
    SQLite served by one process, a write is a savepoint of a transaction shared with the
    writers queued behind it, committed once for all (core.group_commit): still all or
    nothing, and still saved before it is answered.
    """
    database: Database = request.app.state.database
    group_commit = database.group_commit
    announcer = database.announcer
    if group_commit is not None and request.method not in SAFE_METHODS:
        member: Session | None = None
        try:
            async with group_commit.session() as member:
                yield member
        except BaseException as exc:
            if member is not None and keeps_writes(exc):
                announcer.committed(member)
            raise
        announcer.committed(member)
        return
    async with _sqlite_write_turn(request, database), database.session_slots:
        session = database.session(write=request.method not in SAFE_METHODS)
        try:
            yield session
            await database.run(session.commit)
        except BaseException as exc:
            kept = keeps_writes(exc)
            await database.run(session.commit if kept else session.rollback)
            if kept:
                announcer.committed(session)
            raise
        finally:
            await database.run(session.close)
        announcer.committed(session)


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None
    user_agent: str | None


async def get_request_meta(request: Request) -> RequestMeta:
    return request_meta(request)


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def request_meta(request: Request) -> RequestMeta:
    user_agent = request.headers.get("user-agent")
    return RequestMeta(
        ip_address=request.client.host if request.client else None,
        user_agent=user_agent[:255] if user_agent else None,
    )


# scope="function": the commit happens before the response is sent, so a failed commit is
# answered as an error instead of after a 200 the client already has.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
AppClock = Annotated[Clock, Depends(get_clock)]
AppDatabase = Annotated[Database, Depends(get_database)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
Meta = Annotated[RequestMeta, Depends(get_request_meta)]
