"""So'm and dollars exact to the tiyin: currency/conversion.py against integer arithmetic.

The documented rule (docs/purchasing.md): dollars × rate is rounded half up
to the tiyin; so'm ÷ rate is rounded half up to the cent. The reference below works in whole
tiyin and cents only, with no Decimal and no float, so it checks the rule independently.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carpet_shop.currency.conversion import convert, usd_to_uzs, uzs_to_usd
from carpet_shop.currency.models import Currency

# Cents of a dollar amount up to 10 million dollars; a rate in tiyin from 0.01 to 100 000 so'm.
cents = st.integers(min_value=0, max_value=10**9)
tiyin_rates = st.integers(min_value=1, max_value=10**7)
tiyins = st.integers(min_value=0, max_value=10**13)


def _half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator >= 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def _hundredths(units: int) -> Decimal:
    return Decimal(units) / 100


@given(cents, tiyin_rates)
def test_dollars_to_som_is_exact_to_the_tiyin(amount_cents, rate_tiyin):
    # $ (c/100) × (r/100) so'm = c·r / 10 000 so'm = c·r / 100 tiyin.
    expected_tiyin = _half_up_div(amount_cents * rate_tiyin, 100)
    got = usd_to_uzs(_hundredths(amount_cents), _hundredths(rate_tiyin))
    assert got == _hundredths(expected_tiyin)
    assert got.as_tuple().exponent == -2


@given(tiyins, tiyin_rates)
def test_som_to_dollars_is_exact_to_the_cent(amount_tiyin, rate_tiyin):
    # (t/100) so'm ÷ (r/100) so'm per $ = t/r dollars = 100·t/r cents.
    expected_cents = _half_up_div(100 * amount_tiyin, rate_tiyin)
    got = uzs_to_usd(_hundredths(amount_tiyin), _hundredths(rate_tiyin))
    assert got == _hundredths(expected_cents)


@given(cents, tiyin_rates)
def test_convert_agrees_and_same_currency_is_untouched(amount_cents, rate_tiyin):
    amount, rate = _hundredths(amount_cents), _hundredths(rate_tiyin)
    assert convert(amount, Currency.USD, Currency.UZS, rate) == usd_to_uzs(amount, rate)
    assert convert(amount, Currency.UZS, Currency.USD, rate) == uzs_to_usd(amount, rate)
    assert convert(amount, Currency.USD, Currency.USD, None) == amount


@pytest.mark.parametrize(
    ("usd", "rate", "uzs"),
    [
        ("1.00", "12650.50", "12650.50"),
        ("0.01", "12650.50", "126.51"),  # 126.505 -> half up
        ("0.03", "12650.50", "379.52"),  # 379.515 -> half up
        ("199.99", "12650.55", "2529983.49"),  # 2529983.4945 -> down
        ("0.01", "0.50", "0.01"),  # 0.005 -> half up, never to zero
    ],
)
def test_worked_examples(usd, rate, uzs):
    assert usd_to_uzs(Decimal(usd), Decimal(rate)) == Decimal(uzs)


def test_som_to_dollars_examples():
    assert uzs_to_usd(Decimal("12650.50"), Decimal("12650.50")) == Decimal("1.00")
    assert uzs_to_usd(Decimal("63.25"), Decimal("12650.00")) == Decimal("0.01")  # 0.005
    assert uzs_to_usd(Decimal("63.24"), Decimal("12650.00")) == Decimal("0.00")


def test_a_conversion_needs_a_rate():
    with pytest.raises(ValueError, match="rate"):
        convert(Decimal(1), Currency.USD, Currency.UZS, None)
