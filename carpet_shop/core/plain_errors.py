"""What the `carpet-shop` command says when something is wrong: a line or two that name the
problem and what to do, and an exit code; the traceback only with `--debug`."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from carpet_shop.core.config import ConfigurationError, get_settings

# Exit codes: 2 for what the operator must change (settings, arguments, the database's
# state); 3 when a server the service needs cannot be reached; 1 for anything unexpected.
EXIT_CONFIGURATION = 2
EXIT_UNREACHABLE = 3
EXIT_UNEXPECTED = 1


def _database_label() -> str:
    try:
        url = make_url(get_settings().database_url)
    except (ValidationError, ArgumentError):
        return "the database"
    return url.render_as_string(hide_password=True)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _settings_problem(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        setting = ".".join(str(part) for part in problem.get("loc", ())).upper() or "settings"
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{setting}: {message}")
    return "Invalid setting " + "; ".join(lines)


def explain(error: BaseException) -> tuple[str, int]:
    """The message and exit code for `error`, as an operator should read them."""
    if isinstance(error, ValidationError) and error.title == "Settings":
        return _settings_problem(error), EXIT_CONFIGURATION
    if isinstance(error, ConfigurationError):
        return str(error), EXIT_CONFIGURATION
    if isinstance(error, (ArgumentError, NoSuchModuleError)):
        return (
            f"DATABASE_URL cannot be used: {_first_line(error)}\n"
            "Expected sqlite:///path/to/shop.db or postgresql+psycopg://user@host:5432/name.",
            EXIT_CONFIGURATION,
        )
    if isinstance(error, OperationalError):
        cause = _first_line(error.orig) if error.orig is not None else _first_line(error)
        return (
            f"Cannot use the database at {_database_label()}: {cause}\n"
            "Check DATABASE_URL, and that the database server is running and reachable.",
            EXIT_UNREACHABLE,
        )
    if isinstance(error, DBAPIError):
        cause = _first_line(error.orig) if error.orig is not None else _first_line(error)
        return f"The database refused the operation: {cause}", EXIT_UNEXPECTED
    if isinstance(error, PermissionError):
        return f"Permission denied: {error.filename or _first_line(error)}", EXIT_CONFIGURATION
    if isinstance(error, FileNotFoundError):
        return f"No such file or directory: {error.filename or _first_line(error)}", (
            EXIT_CONFIGURATION
        )
    if isinstance(error, OSError):
        return f"{_first_line(error)}", EXIT_UNEXPECTED
    return (
        f"Unexpected error: {type(error).__name__}: {_first_line(error)}\n"
        "Run again with --debug for the full traceback.",
        EXIT_UNEXPECTED,
    )
