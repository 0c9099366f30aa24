"""Scheduled jobs: one process per period, however many serve the database."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from carpet_shop.core.database import Database
from carpet_shop.core.scheduler import PeriodicJob, ScheduledJob, claim


def test_a_period_is_claimed_once_across_processes_sharing_the_database(db, settings):
    other = Database.from_settings(settings)  # another worker: its own engine and pool
    try:
        assert claim(db, "debt-status", 100, worker="a") is True
        assert claim(other, "debt-status", 100, worker="b") is False
        assert claim(db, "debt-status", 100, worker="a") is False
        # The next period is anyone's; an earlier one is never run again.
        assert claim(other, "debt-status", 101, worker="b") is True
        assert claim(db, "debt-status", 99, worker="a") is False
        # Jobs are claimed independently.
        assert claim(db, "sqlite-backup", 101, worker="a") is True
    finally:
        other.dispose()
    with db.transaction(write=False) as session:
        row = session.get(ScheduledJob, "debt-status")
        assert row is not None
        assert (row.last_period, row.last_worker) == (101, "b")


def test_racing_claims_of_one_period_have_one_winner(db, settings):
    workers = [Database.from_settings(settings) for _ in range(6)]
    try:
        for period in (7, 8, 9):  # the first (the job's row is new) and later periods
            with ThreadPoolExecutor(len(workers)) as pool:
                won = list(
                    pool.map(
                        lambda w, p=period: claim(w[1], "race", p, worker=str(w[0])),
                        enumerate(workers),
                    )
                )
            assert won.count(True) == 1, won
    finally:
        for worker in workers:
            worker.dispose()


def test_a_periodic_job_runs_once_per_period_and_first_at_start(db):
    now = [1000.0]
    runs: list[float] = []
    job = PeriodicJob(db, "tick", 10, lambda: runs.append(now[0]), wall_clock=lambda: now[0])

    async def scenario() -> None:
        assert await job.run_if_claimed(100) is True
        assert await job.run_if_claimed(100) is False
        assert await job.run_if_claimed(101) is True

    asyncio.run(scenario())
    assert len(runs) == 2 and job.runs == 2


def test_a_failing_run_is_logged_and_the_loop_goes_on(db, caplog):
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise RuntimeError("disk full")

    clock = [50.0]
    job = PeriodicJob(db, "failing", 0.05, work, wall_clock=lambda: clock[0])

    async def until(count: int) -> None:
        for _ in range(500):
            if len(calls) >= count:
                return
            await asyncio.sleep(0.01)

    async def scenario() -> None:
        job.start()
        await until(1)
        clock[0] += 0.05  # the next period
        await until(2)
        await job.stop()

    asyncio.run(scenario())
    assert len(calls) >= 2
    assert "job failing failed" in caplog.text
