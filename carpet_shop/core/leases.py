"""Leases: one process at a time does a job (the Telegram sender, a scheduled run).

A lease is a row naming its holder until a time; taking it is one conditional UPDATE (or the
first INSERT), so of several workers exactly one holds it, on SQLite and PostgreSQL alike,
without Redis. The holder renews it well before it runs out; a holder that died loses it when
it runs out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from carpet_shop.core.models import Base
from carpet_shop.core.shared_cache import UNSEEN_BY_CACHES


class JobLease(Base):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]


def take(session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `holder` until now + ttl; False if another holds it.
    Commit right after: the lease is the caller's only once committed. The read caches of
    other workers need not hear of it (core.shared_cache): it changes nothing they keep."""
    session.info[UNSEEN_BY_CACHES] = True
    taken = session.execute(
        update(JobLease)
        .where(
            JobLease.name == name,
            or_(JobLease.holder == holder, JobLease.expires_at <= now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    if taken.rowcount:  # type: ignore[attr-defined]
        return True
    try:
        with session.begin_nested():
            session.execute(insert(JobLease).values(name=name, holder=holder, expires_at=now + ttl))
    except IntegrityError:
        return False
    return True


def release(session: Session, name: str, holder: str, now: datetime) -> None:
    session.info[UNSEEN_BY_CACHES] = True
    session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.holder == holder)
        .values(expires_at=now)
    )
