"""Messages in the client's language (CONTRACT.md "Languages"): Uzbek (Latin), Russian, English.

Every message the API writes is an English message id looked up in the gettext catalogs of
carpet_shop/locale (`<lang>/LC_MESSAGES/messages.po`, compiled to `.mo` by scripts/messages;
tests/core/test_messages.py checks that every id has all three languages and that the `.mo`
files are current). A message with values in it is a `Message`: its id is the template
("Branch {branch} does not exist") and the values are filled in after translation, so the
English text stays what `str()` gives (logs, tests) and the catalog holds one id for it.

The request's language is chosen once, from Accept-Language (core.http), and kept in a
context variable that envelopes and error handlers read; an unknown or missing language gets
the `LANGUAGE` setting (default `uz`).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from contextvars import ContextVar, Token
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("uz", "ru", "en")
DEFAULT_LANGUAGE = "uz"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


class Message(str):
    """A message with values: the English text as a str, and its template and values kept
    for translation (`translate`). Values that are Messages themselves are translated too."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        text = super().__new__(cls, template.format(**params) if params else template)
        text.template = template
        text.params = params
        return text


@cache
def catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


@cache
def message_ids() -> frozenset[str]:
    """Every message id of the catalogs (the English one lists them all)."""
    english = catalog("en")
    return frozenset(getattr(english, "_catalog", {}))


# Message ids asked for that no catalog has: tests fail on any (tests/conftest.py), naming it.
MISSING: set[str] = set()


@lru_cache(maxsize=256)
def negotiate(header: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The best of our languages in an Accept-Language header (`ru-RU,ru;q=0.9,en;q=0.8`);
    Uzbek in either script is `uz` (the catalogs are Latin)."""
    best, best_q = default, 0.0
    for part in (header or "").split(","):
        tag, *options = part.strip().split(";")
        language = tag.strip().lower().split("-")[0]
        quality = 1.0
        for option in options:
            name, _, value = option.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if language in LANGUAGES and quality > best_q:
            best, best_q = language, quality
    return best


def current() -> str:
    return _language.get()


def use(language: str) -> Token[str]:
    return _language.set(language)


def reset(token: Token[str]) -> None:
    _language.reset(token)


def translate(
    text: str, params: Mapping[str, Any] | None = None, language: str | None = None
) -> str:
    """`text` in `language` (the request's by default), its values filled in."""
    translations = catalog(language or _language.get())
    if isinstance(text, Message):
        template, values = text.template, dict(text.params)
    else:
        template, values = str(text), {}
    if params:
        values.update(params)
    if template not in message_ids():
        MISSING.add(template)
    translated = translations.gettext(template)
    if not values:
        return translated
    values = {
        key: translate(value, language=language) if isinstance(value, Message) else value
        for key, value in values.items()
    }
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation that names a value the template does not: the English is still right.
        return template.format(**values)
