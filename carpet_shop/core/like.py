"""LIKE patterns for what a user types into a search box: `%`, `_` and `\\` are taken literally.

Every `q` search builds its pattern here and passes `escape=ESCAPE` to `.like(...)`."""

from __future__ import annotations

ESCAPE = "\\"


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    """Matches `text` anywhere."""
    return f"%{escape_like(text)}%"


def starts_with(text: str) -> str:
    return f"{escape_like(text)}%"
