from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from carpet_shop.core.repository import Repository
from carpet_shop.currency.models import CurrencyRate


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

    def of_day(self, day: date) -> CurrencyRate | None:
        return self.session.scalar(select(CurrencyRate).where(CurrencyRate.day == day))
