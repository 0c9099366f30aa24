"""Answers kept until the next commit: exact caching of hot reads on SQLite.

A shop's catalog is read far more often than anything is written (each phone scrolls it;
a sale is a write every few minutes), so the product list keeps its last answers and
serves them again for as long as nothing has been committed to the database since.

"Nothing committed since" is asked of SQLite itself: `PRAGMA data_version` on a connection
of our own changes whenever any other connection, in this process or another, has
committed ("PRAGMA data_version", sqlite.org/pragma.html). Our connection never writes, so
every commit counts. That makes the cache exact, not a guess with a time to live, and it
holds with several worker processes on one file. PostgreSQL has no such counter: there the
mark comes from a counter in the shared Redis (core.shared_cache), and without Redis it is
None and nothing is cached; an in-memory SQLite database (only one connection sees it) is
never cached either.

A read session's mark is taken when its transaction begins, before its first query, or when
it first asks for a kept answer, whichever comes first, in the thread (or on the loop) where
that runs: asking Redis for it never blocks the loop (reads of PostgreSQL run in threads).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from carpet_shop.core import metrics
from carpet_shop.core.sqlite import file_of

V = TypeVar("V")

_CACHES = "carpet_shop_read_caches"
# Set while a quick read runs on the event loop: it may serve kept answers only.
_KEPT_ONLY = "carpet_shop_kept_only"
_COMMIT_MARK = "carpet_shop_commit_mark"
_MARKS = "carpet_shop_commit_marks"


def attach(
    session: Session, caches: dict[str, ReadCache[Any]], marks: Callable[[], int | None]
) -> None:
    """Let a read session keep reads: in `caches`, under the commit mark `marks()` gives when
    its transaction begins (see `watch`). Write sessions have no marks and keep nothing."""
    session.info[_CACHES] = caches
    session.info[_MARKS] = marks


def watch(sessions: sessionmaker[Session]) -> None:
    """Take each transaction's mark as it begins (before its first statement) and forget it
    when it ends: a session whose transaction ended and began again reads under a new mark."""
    event.listen(sessions, "after_begin", _take_mark)
    event.listen(sessions, "after_transaction_end", _forget_mark)


def _take_mark(session: Session, transaction: SessionTransaction, connection: object) -> None:
    marks: Callable[[], int | None] | None = session.info.get(_MARKS)
    if marks is not None:
        session.info[_COMMIT_MARK] = marks()


def _forget_mark(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_COMMIT_MARK, None)


def mark_of(session: Session) -> int | None:
    """The mark the session reads under; None for a write session and where commits cannot
    be told apart. Without a transaction yet, it is taken now, before anything is read, and
    no transaction is begun: a request served only kept answers never takes a connection.
    Whatever is read afterwards is at least as new as the mark, so nothing older is ever kept
    under it (a transaction begun later takes a newer mark, `_take_mark`)."""
    marks: Callable[[], int | None] | None = session.info.get(_MARKS)
    if marks is None:
        return None
    if _COMMIT_MARK not in session.info:
        session.info[_COMMIT_MARK] = marks()
    mark: int | None = session.info.get(_COMMIT_MARK)
    return mark


def cache_in(caches: dict[str, ReadCache[Any]], name: str, capacity: int) -> ReadCache[Any]:
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, ReadCache(capacity, name=name))
    return cache


class NotKept(Exception):
    """A quick read on the event loop found no kept answer: whoever runs it runs it again in
    a thread, where reading the database holds up no one (core.database.run_to_the_end)."""


@contextmanager
def kept_only(session: Session) -> Iterator[None]:
    """While the block runs, `kept` serves what is kept and raises NotKept for the rest."""
    session.info[_KEPT_ONLY] = True
    try:
        yield
    finally:
        session.info.pop(_KEPT_ONLY, None)


def kept(session: Session, name: str, capacity: int, key: Hashable, make: Callable[[], V]) -> V:
    """`make()`, or what it gave for `key` since the last commit, in the cache `name`.

    For repositories only. The key must hold everything the value depends on besides the
    database (who asks, what they may see, every filter); the value must not depend on the
    clock and must be immutable (bytes, frozen dataclasses). In a write session, or where
    commits cannot be told apart, nothing is kept and this is `make()`."""
    caches: dict[str, ReadCache[Any]] | None = session.info.get(_CACHES)
    if caches is None:
        return make()
    mark = mark_of(session)
    if mark is None:
        return make()
    cache: ReadCache[V] = cache_in(caches, name, capacity)
    if session.info.get(_KEPT_ONLY):
        return cache.get_or_make(mark, key, _not_kept)
    return cache.get_or_make(mark, key, make)


def _not_kept() -> Any:
    raise NotKept


class CommitWatch:
    """Marks that change whenever anything has been committed to the database."""

    def __init__(self, engine: Engine):
        self._path = file_of(engine)
        self._connection: sqlite3.Connection | None = None
        # data_version counts per connection: after reconnecting, marks are told apart from
        # the earlier connection's by how many times it has connected.
        self._connects = 0
        self._lock = threading.Lock()

    def mark(self) -> int | None:
        """The current mark, or None where commits cannot be told (then cache nothing)."""
        if self._path is None:
            return None
        with self._lock:
            try:
                if self._connection is None:
                    # Autocommit (no transaction is ever held open) and shared with threads
                    # under the lock above.
                    self._connection = sqlite3.connect(
                        self._path, isolation_level=None, check_same_thread=False
                    )
                    self._connects += 1
                row = self._connection.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                # No mark, nothing cached: the request's own queries meet the same trouble
                # and answer it as they would without a cache (e.g. /health's 503).
                self._close()
                return None
            return (self._connects << 40) | int(row[0])

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class ReadCache(Generic[V]):
    """The latest answers to one kind of read, all dropped at the first commit.

    `mark` must have been taken before the read that makes a value began: a value read
    after a commit the mark did not see is then kept under an older mark, which is never
    current again, so nothing stale is ever served (see `Database.session`).
    """

    def __init__(self, capacity: int, *, name: str = "unnamed"):
        self._capacity = capacity
        self._name = name
        self._mark: int | None = None
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, mark: int | None, key: Hashable, make: Callable[[], V]) -> V:
        if mark is None:
            return make()
        with self._lock:
            if mark != self._mark:
                self._entries.clear()
                self._mark = mark
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                metrics.cache_read(self._name, hit=True)
                return value
        metrics.cache_read(self._name, hit=False)
        value = make()
        with self._lock:
            # Another request may have seen a newer mark meanwhile: then ours is stale.
            if mark == self._mark:
                self._entries[key] = value
                if len(self._entries) > self._capacity:
                    self._entries.popitem(last=False)
        return value
