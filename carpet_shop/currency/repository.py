from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select

from carpet_shop.core.read_cache import kept
from carpet_shop.core.repository import Repository
from carpet_shop.currency.models import CurrencyRate

# Rates in force kept until the next commit (core.read_cache), by shop day: a few days at most.
KEPT_DAYS = 4


class CurrencyRateRepository(Repository[CurrencyRate]):
    model = CurrencyRate

    def rate_on(self, day: date) -> Decimal | None:
        """The rate in force on `day`: that day's, else the latest recorded before it."""
        return self.session.scalar(
            select(CurrencyRate.rate)
            .where(CurrencyRate.day <= day)
            .order_by(CurrencyRate.day.desc())
            .limit(1)
        )

    def kept_rate_on(self, day: date) -> Decimal | None:
        """`rate_on(day)`, kept in a read session until the next commit (core.read_cache):
        the product list reads it on every page. Keyed by the day, so a new shop day (which
        no commit marks) asks again; a new rate is a commit, which drops it."""
        # In a tuple: the cache keeps no None, and "no rate yet" must be kept too.
        found: tuple[Decimal | None] = kept(
            self.session, "currency.rate_on", KEPT_DAYS, day, lambda: (self.rate_on(day),)
        )
        return found[0]

    def in_force_on(self, day: date) -> CurrencyRate | None:
        """The row of the rate in force on `day`."""
        return self.session.scalar(
            select(CurrencyRate)
            .where(CurrencyRate.day <= day)
            .order_by(CurrencyRate.day.desc())
            .limit(1)
        )

    def of_day(self, day: date) -> CurrencyRate | None:
        return self.session.scalar(select(CurrencyRate).where(CurrencyRate.day == day))

    def history(self, day_from: date | None, day_to: date | None) -> Select[CurrencyRate]:
        """Newest day first, both ends included."""
        stmt = select(CurrencyRate)
        if day_from is not None:
            stmt = stmt.where(CurrencyRate.day >= day_from)
        if day_to is not None:
            stmt = stmt.where(CurrencyRate.day <= day_to)
        return stmt.order_by(CurrencyRate.day.desc())
