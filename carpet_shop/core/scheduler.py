"""Scheduled jobs run by exactly one process per period, however many serve the database.

Each job's period is a slot of wall-clock time (`floor(now / interval)`). Every process
serving the shop wakes at the start of each slot and tries to claim it with one conditional
UPDATE of the job's row in `scheduled_jobs`; the database lets exactly one succeed, and only
that process runs the job. The database is the one thing every worker on every host already
shares, so this needs no Redis and no lock held while the job runs: a worker that dies
mid-run loses that period's run, and the next period's claim goes to whoever wakes first.
Jobs must therefore be safe to run late (each run does what is due, not "what happened in
the last interval"); the debt status job, reminders and backups are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import BigInteger, CursorResult, String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core import metrics
from carpet_shop.core.database import Database
from carpet_shop.core.models import Base
from carpet_shop.core.shared_cache import UNSEEN_BY_CACHES

log = logging.getLogger("carpet_shop.scheduler")

WORKER = f"{socket.gethostname()}:{os.getpid()}"


class ScheduledJob(Base):
    """The last period each scheduled job was claimed for, and by which process."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_period: Mapped[int] = mapped_column(BigInteger)
    last_claimed_at: Mapped[datetime]
    last_worker: Mapped[str] = mapped_column(String(128))


def claim(database: Database, name: str, period: int, *, worker: str = WORKER) -> bool:
    """Whether this process is the one to run `name` for `period` (at most one ever is)."""
    now = datetime.now(UTC)
    values = {"last_period": period, "last_claimed_at": now, "last_worker": worker}
    with database.transaction() as session:
        session.info[UNSEEN_BY_CACHES] = True
        result = session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.name == name, ScheduledJob.last_period < period)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], result).rowcount:
            return True
        if session.get(ScheduledJob, name) is not None:
            return False
    # The job's first run anywhere: whoever inserts its row has claimed the period.
    try:
        with database.transaction() as session:
            session.info[UNSEEN_BY_CACHES] = True
            session.execute(insert(ScheduledJob).values(name=name, **values))
    except IntegrityError:
        return False
    return True


class PeriodicJob:
    """Runs `work` (blocking; in a thread) once per `interval` seconds across all processes,
    starting with the current period, until stopped."""

    def __init__(
        self,
        database: Database,
        name: str,
        interval: float,
        work: Callable[[], object],
        *,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.database, self.name, self.interval, self.work = database, name, interval, work
        self._now = wall_clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=f"job-{self.name}")

    async def stop(self) -> None:
        # A run in progress finishes (it holds a connection) rather than being cut midway.
        self._stop.set()
        if self._task is not None:
            await self._task

    async def run_if_claimed(self, period: int) -> bool:
        if not await asyncio.to_thread(claim, self.database, self.name, period):
            return False
        log.info("job %s: period %s claimed by %s", self.name, period, WORKER)
        await asyncio.to_thread(self.work)
        self.runs += 1
        metrics.JOB_RUNS.labels(self.name).inc()
        return True

    async def _loop(self) -> None:
        while not self._stop.is_set():
            period = int(self._now() // self.interval)
            try:
                await self.run_if_claimed(period)
            except Exception:
                log.exception("job %s failed; it runs again next period", self.name)
            next_start = (period + 1) * self.interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stop.wait(), timeout=max(next_start - self._now(), 0.01)
                )
