"""A supplier's phone: the customers' Uzbek rules, and other countries' numbers too.

Suppliers are Uzbek, Turkish or Iranian factories and wholesalers, so besides every
spelling of an Uzbek number (customers/phone.py: `90 123 45 67`, `998901234567`,
`+998 (90) 123-45-67`, all `+998901234567`) a number written with its country code, `+` or
`00` first (`+90 212 555 01 02`, `0098 21 1234 5678`), is kept as `+<digits>`: 8 to 15
digits (E.164), the first not 0. A number beginning +998 follows the Uzbek rules.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from carpet_shop.customers.phone import COUNTRY_CODE, InvalidPhone, normalize_phone

_SEPARATORS = re.compile(r"[ \t\-().]")
_DIGITS = re.compile(r"[0-9]+")
MIN_INTERNATIONAL, MAX_INTERNATIONAL = 8, 15


def normalize_supplier_phone(raw: str) -> str:
    """`+998XXXXXXXXX` for an Uzbek number, `+<digits>` for another country's; else
    InvalidPhone with a message for the client."""
    compact = _SEPARATORS.sub("", raw.strip())
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    else:
        return normalize_phone(raw)
    if not _DIGITS.fullmatch(digits):
        raise InvalidPhone("A phone number has digits, spaces, dashes and parentheses only")
    if digits.startswith(COUNTRY_CODE):
        return normalize_phone(raw)
    if not MIN_INTERNATIONAL <= len(digits) <= MAX_INTERNATIONAL or digits[0] == "0":
        raise InvalidPhone(
            "An international number is + and its country code, 8 to 15 digits in all"
        )
    return f"+{digits}"


SupplierPhone = Annotated[
    str, StringConstraints(max_length=32), AfterValidator(normalize_supplier_phone)
]
