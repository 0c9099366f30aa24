"""Uzbek phone numbers: every accepted spelling becomes one canonical form, +998XXXXXXXXX.

The registry is keyed by phone, so `90 123 45 67`, `998901234567` and `+998 (90) 123-45-67`
must all find the same customer. Accepted: the 9 national digits, or 998 followed by them,
with an optional leading `+` or `00`, separated by spaces, dashes, dots or parentheses.
Anything else (letters, other country codes, too few or too many digits) is refused.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

COUNTRY_CODE = "998"
NATIONAL_DIGITS = 9
_SEPARATORS = re.compile(r"[ \t\-().]")
# ASCII digits only: str.isdigit() would accept other scripts' digits too.
_DIGITS = re.compile(r"[0-9]+")


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """The canonical `+998XXXXXXXXX`, or InvalidPhone with a message for the client."""
    compact = _SEPARATORS.sub("", raw.strip())
    international = False
    if compact.startswith("+"):
        compact, international = compact[1:], True
    elif compact.startswith("00"):
        compact, international = compact[2:], True
    if not _DIGITS.fullmatch(compact):
        raise InvalidPhone("A phone number has digits, spaces, dashes and parentheses only")
    if international or len(compact) == len(COUNTRY_CODE) + NATIONAL_DIGITS:
        if not compact.startswith(COUNTRY_CODE):
            raise InvalidPhone("Only Uzbek numbers (+998) are accepted")
        compact = compact[len(COUNTRY_CODE) :]
    if len(compact) != NATIONAL_DIGITS:
        raise InvalidPhone("An Uzbek number has 9 digits after +998, e.g. +998 90 123 45 67")
    if compact[0] == "0":
        raise InvalidPhone("The operator or area code cannot start with 0")
    return f"+{COUNTRY_CODE}{compact}"


def phone_digits(query: str) -> str | None:
    """The digits of a search text that looks like (part of) a phone number, else None."""
    compact = _SEPARATORS.sub("", query.strip()).removeprefix("+")
    if len(compact) >= 3 and _DIGITS.fullmatch(compact):
        return compact
    return None


# A request field: any accepted spelling in, the canonical form out (422 for anything else).
UzPhone = Annotated[str, StringConstraints(max_length=32), AfterValidator(normalize_phone)]
