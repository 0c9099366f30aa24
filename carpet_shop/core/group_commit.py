"""Group commit: SQLite writers served by one process share a transaction and its commit.

A commit writes each page its transaction changed to the WAL, a frame per page, and a sale
changes a page in each of its tables and their indexes (about thirty). That made the commit
the costliest step of a sale. Writers take turns anyway (SQLite has one writer at a time), so
while one runs, the next ones wait. Here the waiting writers share one transaction: each works
in a SAVEPOINT of its own inside it and, if another writer is waiting, hands the open
transaction on instead of committing; the last one commits for all. The commit, BEGIN and
connection are then paid once per group, and pages the writers share (an index's last leaf,
a rollup row, the receipt counter) are written once.

What each request sees is unchanged:
- its writes land all together or not at all: a request that fails rolls back to its
  savepoint, and the others in the group keep theirs;
- no one is answered before the commit that holds their writes. Every member waits for it,
  whatever its outcome: a refusal, too, was decided on state that had to be saved first;
- if that commit fails, nothing of the group was saved, and every member gets a 500.

Only for SQLite served by one process, whose requests run on the event loop (see
`Database.inline`): turns are taken on the loop. PostgreSQL runs writers concurrently and
groups their commits itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from carpet_shop.core import metrics
from carpet_shop.core.errors import keeps_writes

log = logging.getLogger("carpet_shop.group_commit")

# The first member of a group is answered after the last one has run: this bounds the wait
# to a few dozen sales' time.
MAX_MEMBERS = 32
# Nor does a group take new members once it has been open this long: a slow member (a
# sign-in checks a password, which takes far longer than a sale) delays the answers of
# those that ran before it, and this bounds how many more follow.
MAX_GROUP_SECONDS = 0.05
# How often the last member yields to the event loop before it commits, so that requests
# that arrived meanwhile (read off their sockets, then run up to their turn) can join. A
# pass with nothing to do costs next to nothing; too few passes split sixteen sellers into
# two groups taking turns (README, "Benchmark", for the measured group sizes).
ARRIVAL_YIELDS = 8
# Nor for longer than this in all. A pass is a turn of the event loop, which lets go of the
# interpreter while it polls; with reads running in threads (core.database) getting it back
# can take a thread switch interval (5 ms), and the group's members would wait for each.
ARRIVAL_SECONDS = 0.0005


class GroupNotSaved(Exception):
    """The commit of the request's group failed: none of its writes were saved."""


@dataclass(eq=False)
class _Group:
    connection: Connection
    saved: asyncio.Future[None]
    members: int = 0
    # Why the transaction can no longer be committed: a member's savepoint could be neither
    # released nor rolled back (the connection failed, or SQLite rolled everything back).
    broken: BaseException | None = None
    started: float = 0.0


def member_session(connection: Connection) -> Session:
    """A session on the group's connection, in a savepoint of its own: its commit releases
    the savepoint, its rollback undoes it; the group's transaction goes on either way."""
    return Session(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


class GroupCommit:
    """Hands out write sessions, each in a savepoint of the current group's transaction."""

    def __init__(
        self,
        connect: Callable[[], Connection],
        slots: asyncio.Semaphore,
        *,
        max_members: int = MAX_MEMBERS,
        max_seconds: float = MAX_GROUP_SECONDS,
    ) -> None:
        """`connect` gives a pooled connection whose BEGIN takes the write lock; a group holds
        one of `slots` (the pool's connections, see `Database.session_slots`) while open."""
        self._connect = connect
        self._slots = slots
        self.max_members = max_members
        self.max_seconds = max_seconds
        self._turn = asyncio.Lock()
        self._waiting = 0
        self._open: _Group | None = None
        self._rescues: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        """A session whose writes are kept when the block ends normally (or with an error
        that keeps writes, see `AppError`) and undone otherwise. The block is left once the
        group's commit is done (GroupNotSaved if it failed); or, when this member broke the
        transaction, with that error, after the group has been rolled back and its members
        told."""
        group = await self._join()
        try:
            session = member_session(group.connection)
        except BaseException:
            await self._leave(group)
            raise
        outcome: BaseException | None = None
        try:
            yield session
            session.commit()
        except BaseException as exc:
            outcome = self._settle(group, session, exc, keep=keeps_writes(exc))
        finally:
            try:
                session.close()
            finally:
                await self._leave(group)
        try:
            await asyncio.shield(group.saved)
        except GroupNotSaved as failure:
            # One error of its own for each member: they are raised and logged separately.
            raise GroupNotSaved(str(failure)) from failure.__cause__
        if outcome is not None:
            raise outcome

    async def _join(self) -> _Group:
        self._waiting += 1
        try:
            await self._turn.acquire()
        except BaseException:
            self._waiting -= 1
            if self._open is not None:
                # The turn may have been handed to this request, to go on with the open
                # group, just as it was cancelled: see that the group is committed anyway.
                self._rescue(self._open)
            raise
        self._waiting -= 1
        try:
            group = self._open or await self._begin()
        except BaseException:
            self._turn.release()
            raise
        group.members += 1
        return group

    async def _begin(self) -> _Group:
        await self._slots.acquire()
        try:
            connection = self._connect()
        except BaseException:
            self._slots.release()
            raise
        try:
            connection.begin()
        except BaseException:
            connection.close()
            self._slots.release()
            raise
        loop = asyncio.get_running_loop()
        group = _Group(connection, loop.create_future(), started=loop.time())
        self._open = group
        return group

    @staticmethod
    def _settle(
        group: _Group, session: Session, error: BaseException, *, keep: bool
    ) -> BaseException:
        """End a member that raised `error`: keep its writes or roll back to its savepoint.
        What the member is to raise: `error`, or why the writes it meant to keep failed."""
        if keep:
            try:
                session.flush()
            except Exception as failed:
                # Its own writes failed, as a flush at the end of a normal run can: the member
                # fails alone, with that error.
                failed.__context__ = error
                error, keep = failed, False
        try:
            if keep:
                session.commit()
            else:
                session.rollback()
        except BaseException as exc:
            # The savepoint could be neither released nor undone: the transaction itself
            # can no longer be trusted.
            group.broken = exc
            raise
        return error

    async def _leave(self, group: _Group) -> None:
        """Hand the turn, and the open group, to the next writer; or commit the group."""
        try:
            if group.broken is None and self._takes_more(group):
                loop = asyncio.get_running_loop()
                until = loop.time() + ARRIVAL_SECONDS
                for _ in range(ARRIVAL_YIELDS):
                    if self._waiting or loop.time() > until:
                        break
                    await asyncio.sleep(0)
                if self._waiting:
                    return
            self._end(group)
        except BaseException:
            # Cancelled while yielding: nobody else would end the group.
            if self._open is group:
                self._end(group)
            raise
        finally:
            self._turn.release()

    def _takes_more(self, group: _Group) -> bool:
        age = asyncio.get_running_loop().time() - group.started
        return group.members < self.max_members and age < self.max_seconds

    def _rescue(self, group: _Group) -> None:
        async def end_at_turn() -> None:
            async with self._turn:
                if self._open is group:
                    self._end(group)

        task = asyncio.get_running_loop().create_task(end_at_turn())
        self._rescues.add(task)
        task.add_done_callback(self._rescues.discard)

    def _end(self, group: _Group) -> None:
        """Commit the group (roll it back if it is broken) and tell its members."""
        self._open = None
        connection = group.connection
        try:
            failure = group.broken
            if failure is None:
                try:
                    connection.commit()
                except BaseException as exc:
                    failure = exc
            if failure is None:
                metrics.GROUP_COMMIT_SIZE.observe(group.members)
                group.saved.set_result(None)
                return
            log.error("a group of %d writes was not saved", group.members, exc_info=failure)
            with contextlib.suppress(Exception):
                connection.rollback()
            not_saved = GroupNotSaved("The change was not saved; try again")
            not_saved.__cause__ = failure
            group.saved.set_exception(not_saved)
            if not isinstance(failure, Exception) and failure is not group.broken:
                raise failure  # an interrupt during the commit: its members are told first
        finally:
            try:
                connection.close()
            finally:
                self._slots.release()
