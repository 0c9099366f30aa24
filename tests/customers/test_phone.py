from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carpet_shop.customers.phone import InvalidPhone, normalize_phone, phone_digits


@pytest.mark.parametrize(
    "raw",
    [
        "90 123 45 67",
        "901234567",
        "998901234567",
        "+998901234567",
        "+998 (90) 123-45-67",
        "+998 90 123 45 67",
        "(90) 123-45-67",
        "00998 90 1234567",
        "  +998-90-123-45-67 ",
        "90.123.45.67",
    ],
)
def test_common_spellings_become_one_number(raw):
    assert normalize_phone(raw) == "+998901234567"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "90 123 45 6",  # 8 digits
        "90 123 45 678",  # 10 digits
        "+7 901 234 56 78",  # another country
        "+1 (90) 123-45-67",
        "998 0 1234567x",
        "abc",
        "+998 01 234 56 78",  # no operator code starts with 0
        "++998901234567",
        "+998 90 123 45 67 ext 2",
        "٩٠١٢٣٤٥٦٧",  # non-ASCII digits
    ],
)
def test_anything_else_is_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


national = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda d: d[0] != "0")
separator = st.sampled_from(["", " ", "-", ".", "  "])


@given(national, separator, st.sampled_from(["", "+998", "998", "00998", "+998 ", "998-"]))
def test_any_grouping_of_the_digits_normalises(digits, sep, prefix):
    grouped = sep.join([digits[:2], digits[2:5], digits[5:7], digits[7:]])
    operator_in_parens = f"({digits[:2]}){sep}{sep.join([digits[2:5], digits[5:7], digits[7:]])}"
    for text in (prefix + grouped, prefix + operator_in_parens):
        assert normalize_phone(text) == f"+998{digits}"


@given(national)
def test_normalising_is_idempotent(digits):
    once = normalize_phone(digits)
    assert normalize_phone(once) == once


def test_search_digits():
    assert phone_digits("90 123") == "90123"
    assert phone_digits("+998 90") == "99890"
    assert phone_digits("Aziz") is None
    assert phone_digits("12") is None
