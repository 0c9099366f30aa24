"""A field that fails validation, said in the shop's words and in the client's language.

Pydantic's own messages are English only; each error it reports has a `type` and values
(`ctx`), and that is what is translated here: a template per type, looked up in the message
catalogs (core.i18n) and filled with the values. A type not listed gets "Invalid value".
"""

from __future__ import annotations

from typing import Any

from carpet_shop.core.i18n import Message, translate

INVALID = "Invalid value"

TEMPLATES: dict[str, str] = {
    "missing": "Field required",
    "missing_argument": "Field required",
    "extra_forbidden": "Unknown field",
    "string_type": "Must be text",
    "string_too_short": "At least {min_length} characters",
    "string_too_long": "At most {max_length} characters",
    "string_pattern_mismatch": "Not in the expected format",
    "string_unicode": "Must be valid text",
    "int_type": "Must be a whole number",
    "int_parsing": "Must be a whole number",
    "int_from_float": "Must be a whole number",
    "float_type": "Must be a number",
    "float_parsing": "Must be a number",
    "decimal_type": "Must be a number",
    "decimal_parsing": "Must be a number",
    "decimal_max_digits": "At most {max_digits} digits",
    "decimal_max_places": "At most {decimal_places} decimal places",
    "decimal_whole_digits": "At most {whole_digits} digits before the decimal point",
    "finite_number": "Must be a finite number",
    "greater_than": "Must be greater than {gt}",
    "greater_than_equal": "Must be at least {ge}",
    "less_than": "Must be less than {lt}",
    "less_than_equal": "Must be at most {le}",
    "multiple_of": "Must be a multiple of {multiple_of}",
    "bool_type": "Must be true or false",
    "bool_parsing": "Must be true or false",
    "uuid_type": "Must be an id (UUID)",
    "uuid_parsing": "Must be an id (UUID)",
    "date_type": "Must be a date (YYYY-MM-DD)",
    "date_parsing": "Must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "Must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "Must be a date without a time",
    "datetime_type": "Must be a date and time (ISO 8601)",
    "datetime_parsing": "Must be a date and time (ISO 8601)",
    "datetime_from_date_parsing": "Must be a date and time (ISO 8601)",
    "timezone_aware": "Must have a time zone offset",
    "enum": "Must be one of: {expected}",
    "literal_error": "Must be one of: {expected}",
    "list_type": "Must be a list",
    "tuple_type": "Must be a list",
    "set_type": "Must be a list",
    "too_short": "At least {min_length} items",
    "too_long": "At most {max_length} items",
    "dict_type": "Must be an object",
    "model_type": "Must be an object",
    "model_attributes_type": "Must be an object",
    "union_tag_invalid": "Must be one of: {expected_tags}",
    "union_tag_not_found": "Missing {discriminator}",
    "url_parsing": "Must be a URL",
    "url_type": "Must be a URL",
    "bytes_too_long": "Too large",
    "bytes_too_short": "Too short",
    "json_invalid": "Not valid JSON",
    "json_type": "Not valid JSON",
}


def field_message(error: dict[str, Any]) -> str:
    """One Pydantic error as the client's message."""
    return translate(field_message_id(error))


def field_message_id(error: dict[str, Any]) -> str:
    """One Pydantic error as a message id (a Message when it has values), to translate."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"}:
        cause = ctx.get("error")
        reason = cause.args[0] if isinstance(cause, Exception) and cause.args else cause
        return reason if isinstance(reason, str) and reason else INVALID
    template = TEMPLATES.get(kind)
    if template is None:
        return INVALID
    values = {key: _plain(value) for key, value in ctx.items()}
    try:
        return Message(template, **values) if values else template
    except (KeyError, IndexError):
        return INVALID


def _plain(value: Any) -> Any:
    # Pydantic writes expected values as "'cash', 'card' or 'debt'"; numbers as they are.
    return value if isinstance(value, int | float | str) else str(value)
