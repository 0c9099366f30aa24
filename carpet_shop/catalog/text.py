"""Text rules of the catalog: how sizes are written, and how names are matched in search."""

from __future__ import annotations

import re
import unicodedata
import uuid
from decimal import Decimal

from carpet_shop.core import like
from carpet_shop.core.i18n import Message

# Uzbek Latin writes o‘ and g‘ with U+02BB; phones and keyboards send any of these instead.
APOSTROPHES = "\u02bb\u02bc\u2018\u2019\u0060\u00b4"
_FOLD_APOSTROPHES = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))

# "2×3", "2x3", "2X3", "2*3", "1.5 × 2.25", "1,5x2" and the Cyrillic х of a Russian keyboard.
_SIZE = re.compile(
    r"^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*[×xX*\u0445\u0425]\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*$"
)
MAX_SIDE = Decimal("100")
SIZE_FORMAT_HELP = "a size is W×H in metres, e.g. 2×3 or 1.5×2.25 (× x X or * between)"


def as_uuid(text: str) -> uuid.UUID | None:
    """`text` as an id, when a client sends a collection's id where its name is expected."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def search_key(text: str) -> str:
    """What names are compared by: NFKC, one apostrophe for all variants, case-folded."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD_APOSTROPHES).casefold()


def like_contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    return like.contains(search_key(text))


def like_prefix(text: str) -> str:
    return like.starts_with(search_key(text))


def format_metres(value: Decimal) -> str:
    """2 -> "2", 1.50 -> "1.5", 2.25 -> "2.25"."""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_size(text: str) -> tuple[str, Decimal, Decimal]:
    """The normalised `W×H` and its width and height; ValueError if it is not a size."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(SIZE_FORMAT_HELP)
    width, height = (Decimal(part.replace(",", ".")) for part in match.groups())
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be more than zero")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValueError(
            Message("width and height are at most {MAX_SIDE} metres", MAX_SIDE=MAX_SIDE)
        )
    return f"{format_metres(width)}×{format_metres(height)}", width, height
