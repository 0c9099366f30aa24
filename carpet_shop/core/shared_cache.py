"""Commit marks shared by every worker through Redis, for the read caches (core.read_cache)
where SQLite's own counter cannot serve: PostgreSQL, several workers, several hosts.

SQLite tells any connection that something was committed (`PRAGMA data_version`); PostgreSQL
has no such counter. Here Redis keeps one: every committed write session increments it
right after its commit (before the request is answered), and each read takes it before its
first query. A worker keeps its cached answers under the mark they were read at, so the
first request after a price change or a sign-out, on any worker, finds a new mark and reads
the database again. Answers stay in each worker's memory (no copy over the network, nothing
to serialize); only the mark is shared.

When Redis does not answer, a read gets no mark and caches nothing, and the worker forgets
what it had cached (a commit made meanwhile could not be announced); a commit that could not
be announced is announced as soon as Redis answers again.
"""

from __future__ import annotations

import logging

import redis
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, sessionmaker

from carpet_shop.core.redis import SharedRedis

log = logging.getLogger("carpet_shop.shared_cache")


# A write session whose commits no cache needs to hear of (the scheduler's own claims).
UNSEEN_BY_CACHES = "carpet_shop_unseen_by_caches"
_USED = "carpet_shop_used_connection"
_WROTE = "carpet_shop_wrote"


class RedisCommitWatch:
    """Marks from a counter in Redis, moved on by every commit of `writes`' sessions that
    changed something."""

    def __init__(self, shared: SharedRedis, writes: sessionmaker[Session]):
        self._redis = shared.client
        self._key = shared.key("commits")
        # Marks seen while Redis failed start a new epoch: nothing cached before is served.
        self._epoch = 0
        self._failed = False
        # A commit not yet announced (Redis failed): announced before the next mark.
        self._owed = False
        event.listen(writes, "after_begin", self._began)
        event.listen(writes, "before_commit", self._committing)
        event.listen(writes, "after_commit", self._committed)

    @staticmethod
    def _began(session: Session, transaction: object, connection: Connection) -> None:
        session.info[_USED] = True

    @staticmethod
    def _committing(session: Session) -> None:
        """Whether this commit changes anything: PostgreSQL gives a transaction an id at its
        first write, so one without is announced to no one (a job that found nothing to do,
        a request that was refused before it wrote)."""
        if not session.info.pop(_USED, False) or session.info.get(UNSEEN_BY_CACHES):
            return
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            wrote = connection.exec_driver_sql(
                "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"
            ).scalar()
            if not wrote:
                return
        session.info[_WROTE] = True

    def _committed(self, session: Session) -> None:
        if session.info.pop(_WROTE, False):
            self.bump()

    def bump(self) -> None:
        try:
            self._redis.incr(self._key)
        except redis.RedisError as exc:
            log.warning("could not announce a commit to the other workers' caches: %s", exc)
            self._failed = self._owed = True

    def mark(self) -> int | None:
        try:
            if self._owed:
                self._redis.incr(self._key)
                self._owed = False
            value = self._redis.get(self._key)
        except redis.RedisError:
            self._failed = True
            return None
        if self._failed:
            self._failed = False
            self._epoch += 1
        return (self._epoch << 48) | int(value or 0)

    def close(self) -> None:
        pass
