"""The director's dollar rate: so'm per 1 USD, one per shop day, earlier days kept.

The rate in force on a day is that day's, else the latest recorded before it
(CurrencyRateRepository.rate_on); conversions round as currency/conversion.py says. A day's
rate is recorded once (a second one is a 409): purchases of that day were converted at it.
A rate may be recorded for today or an earlier day, never for a day still to come.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, ValidationFailed
from carpet_shop.core.pagination import PageParams
from carpet_shop.currency.errors import NoRate, day_taken
from carpet_shop.currency.models import CurrencyRate
from carpet_shop.currency.repository import CurrencyRateRepository
from carpet_shop.currency.schemas import CurrencyRateCreate

ENTITY = "currency_rate"
AUDITED_FIELDS = ("day", "rate")


def record_rate(
    session: Session, actor: Actor, clock: Clock, data: CurrencyRateCreate, today: date
) -> CurrencyRate:
    """Record the rate of `data.day` (today when left out); 409 when that day has one."""
    day = data.day or today
    if day > today:
        raise ValidationFailed.field("day", "A rate is recorded for today or an earlier day")
    repo = CurrencyRateRepository(session)
    existing = repo.of_day(day)
    if existing is not None:
        raise day_taken(day, existing.id)
    row = CurrencyRate(day=day, rate=data.rate, created_by_id=actor.id, created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another request recorded the same day between our read and our insert.
        winner = repo.of_day(day)
        raise (day_taken(day, winner.id) if winner else Conflict()) from None
    audit.log_created(session, actor, clock, ENTITY, row, AUDITED_FIELDS)
    return row


def history(
    session: Session, page: PageParams, day_from: date | None, day_to: date | None
) -> tuple[Sequence[CurrencyRate], int]:
    if day_from is not None and day_to is not None and day_to < day_from:
        raise ValidationFailed.field("date_to", "date_to is before date_from")
    repo = CurrencyRateRepository(session)
    return repo.paginate(repo.history(day_from, day_to), page)


def current(session: Session, today: date) -> CurrencyRate:
    """The rate in force today; NoRate (404) when none has been recorded on or before it."""
    row = CurrencyRateRepository(session).in_force_on(today)
    if row is None:
        raise NoRate.on(today)
    return row


def rate_on(session: Session, day: date) -> Decimal | None:
    """The rate in force on `day`, or None: for other services converting at a day's rate."""
    return CurrencyRateRepository(session).rate_on(day)


def required_rate_on(session: Session, day: date) -> Decimal:
    """The rate in force on `day`; NoRate (404) when there is none."""
    rate = rate_on(session, day)
    if rate is None:
        raise NoRate.on(day)
    return rate
