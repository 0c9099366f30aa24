"""The request's unit of work, declared by each route: `ReadSession`, `QuickReadSession` or
`WriteSession`.

A route names the session it works in, in its signature, the way Polar's routes do
(`server/polar/postgres.py`):

    @router.post("/api/sales", ...)
    def create_sale(body: SaleCreate, actor: CurrentActor, session: WriteSession, ...):
        return service.create_sale(session, actor, clock, body, tz=settings.tz)

The declaration decides everything about the transaction: a write session takes the writers'
turn on SQLite (`BEGIN IMMEDIATE`, or a savepoint of a shared group, core.group_commit); a
read session never writes and may serve kept reads (core.read_cache). Both are committed by
the dependency after the route returns and before the answer is sent; services only flush.
A GET that writes declares `WriteSession` like any other write.

It also decides where the route's work runs (`Database.runner`), so routes and services
stay plain synchronous code that calls the next layer directly: on the event loop, or in
the thread pool. Reads of SQLite go to a few reader threads, so that a long one never holds
the sellers' writes up on the loop; a `QuickReadSession` (the product list) is served on the
loop while its answer is kept (core.read_cache), and goes to a reader thread the moment it
would read the database (`run_to_the_end`).
Routes are made with `SessionRoute` (every router passes it as its
`route_class`), which runs a plain `def` route where its session says.
Dependencies that need the request's session (who is signed in) declare `RequestSession`:
the same session as the route's, of the kind the route declared.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar, get_type_hints

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from carpet_shop.core.database import Database, run_to_the_end
from carpet_shop.core.database import run_of as run_of

R = TypeVar("R")


class SessionKind(StrEnum):
    READ = "read"
    # A read most often answered from a kept page (the product list phones scroll): on SQLite
    # served by one process it runs on the event loop while what it reads is kept, where a
    # thread hop would cost more than the answer, and in a reader thread otherwise.
    QUICK_READ = "quick_read"
    WRITE = "write"


class UndeclaredSession(RuntimeError):
    """A route used the request's session without declaring ReadSession or WriteSession."""


async def _request_session(request: Request) -> AsyncIterator[Session]:
    """The one session of the request, of the kind its route declared."""
    kind = getattr(request.scope.get("route"), "session_kind", None)
    if kind is None:
        raise UndeclaredSession(
            f"{request.method} {request.url.path} must declare ReadSession or WriteSession"
        )
    database: Database = request.app.state.database
    write, quick = kind is SessionKind.WRITE, kind is SessionKind.QUICK_READ
    async with database.unit_of_work(write=write, quick=quick) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is
# answered as an error instead of after a 200 the client already has.
RequestSession = Annotated[Session, Depends(_request_session, scope="function")]


async def _read_session(session: RequestSession) -> Session:
    return session


async def _quick_read_session(session: RequestSession) -> Session:
    return session


async def _write_session(session: RequestSession) -> Session:
    return session


ReadSession = Annotated[Session, Depends(_read_session)]
QuickReadSession = Annotated[Session, Depends(_quick_read_session)]
WriteSession = Annotated[Session, Depends(_write_session)]
_DECLARATIONS = (
    (SessionKind.READ, ReadSession),
    (SessionKind.QUICK_READ, QuickReadSession),
    (SessionKind.WRITE, WriteSession),
)


async def read_first(request: Request, call: Callable[..., R], /, *args: Any) -> R:
    """`call(session, *args)` in a read session of its own, opened and ended before the
    route's session: for slow work a request must not do while it holds the writers' turn
    (checking a password), and for routes that hold no session (the live notification
    stream reads briefly each time it is woken). It runs where reads run (in a thread, off
    the event loop)."""
    database: Database = request.app.state.database
    async with database.unit_of_work(write=False) as session:
        return await run_of(session)(call, session, *args)


class StreamedReads:
    """Read sessions of their own, for an answer streamed after the request's session has
    ended (a report of a year of sales is read while it is sent, never held in memory).
    The route still declares its own session; whoever opens one of these closes it."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def open(self) -> Session:
        return self._database.session(write=False)


async def _streamed_reads(request: Request) -> StreamedReads:
    return StreamedReads(request.app.state.database)


StreamedReadSessions = Annotated[StreamedReads, Depends(_streamed_reads)]


def declared_session(endpoint: Callable[..., Any]) -> tuple[SessionKind, str] | None:
    """The session a route's signature declares, and its parameter's name."""
    hints = get_type_hints(endpoint, include_extras=True)
    found = [
        (kind, name)
        for name, hint in hints.items()
        for kind, declaration in _DECLARATIONS
        if hint == declaration
    ]
    if len(found) > 1:
        raise TypeError(f"{endpoint.__qualname__} declares more than one session: {found}")
    return found[0] if found else None


def _runs_where_its_session_says(
    endpoint: Callable[..., Any], parameter: str
) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    async def run(**values: Any) -> Any:
        return await run_to_the_end(values[parameter], endpoint, **values)

    return run


class SessionRoute(APIRoute):
    """A route whose session declaration says where its plain `def` body runs: the loop or
    the thread pool, as chosen once by the session (`Database.unit_of_work`)."""

    session_kind: SessionKind | None

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        declared = declared_session(endpoint)
        self.session_kind = declared[0] if declared else None
        if declared is not None and not inspect.iscoroutinefunction(endpoint):
            endpoint = _runs_where_its_session_says(endpoint, declared[1])
        super().__init__(path, endpoint, **kwargs)
