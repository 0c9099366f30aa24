"""Statements of the busiest writes, compiled once and run on the driver's own cursor.

Ringing up a sale runs about fifteen statements. Through `Connection.execute` each costs
SQLAlchemy's work in a busy request (an execution context, events, parameter processing, a
result object) several times what SQLite spends running it: that was most of a sale's time
(figures: README, "Benchmark"). A
`Prepared` statement is compiled by SQLAlchemy once per dialect, from an ordinary Core
statement, and keeps what that compilation says: the SQL text, the order of its parameters,
the constants bound in it, and each parameter's bind processor (UUIDs, enums, instants,
hundredths, JSON). Each execution then only converts the values and hands them to the
driver's cursor, inside the transaction the session began on that connection, and reads
RETURNING or SELECT rows back through the columns' result processors. A statement with IN
lists is rendered by SQLAlchemy once for each count of members it meets (up to a bound).

What SQLAlchemy would otherwise add at execution is not done here, so a statement that
relies on it is refused: Python-side column defaults and onupdate values must be bound
explicitly, and values rendered into the SQL are not taken. No column is written by
accident either: an INSERT writes every column of its table (from the caller's values, each
one required) except those it names in `leaves_out`, which must have a server default; an
UPDATE sets every column that has an onupdate value. These are checked when the statement
is built (at import), the rest the first time it runs; every statement built is listed by
`registered()`, so a test can hold each one against its table. Driver errors come out as
SQLAlchemy's own (`IntegrityError` and the rest), so the error handlers treat them alike,
and a lost connection is invalidated as SQLAlchemy would.
"""

from __future__ import annotations

import contextlib
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Table, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert, Update, UpdateBase
from sqlalchemy.sql.selectable import Select

_CONNECTION = "carpet_shop_connection"
R = TypeVar("R")


def connection_of(session: Session) -> Connection:
    """The connection of the session's transaction (begun if need be).

    Kept on the session for as long as that transaction lasts: a sale asks for it once per
    statement, and `Session.connection()` costs more than a prepared statement's own work.
    """
    transaction = session.get_transaction()
    kept: tuple[object, Connection] | None = session.info.get(_CONNECTION)
    # Not once the transaction has failed (a flush error): the session must refuse further
    # work, as `Session.connection()` does, not let it run outside what it will roll back.
    if (
        kept is not None
        and kept[0] is transaction
        and transaction is not None
        and transaction.is_active
        and not kept[1].closed
    ):
        return kept[1]
    connection = session.connection()
    session.info[_CONNECTION] = (session.get_transaction(), connection)
    return connection


def run_sql(connection: Connection, sql: str) -> None:
    """Run a statement without parameters (BEGIN IMMEDIATE, say) on the driver's cursor."""
    _on_cursor(connection, sql, (), lambda cursor: cursor.execute(sql))


def _on_cursor(connection: Connection, sql: str, arguments: Any, work: Callable[[Any], R]) -> R:
    """`work(cursor)` on a cursor of the connection's driver: its errors come out as
    SQLAlchemy's, and a lost connection is invalidated, as `Connection.execute` does."""
    if connection._echo:
        # SQLAlchemy's echo (`SQL_ECHO=true`): what runs on the cursor is logged like the
        # rest, on the engine's logger, so a developer sees every statement a sale runs.
        # The flag is the one `Connection.execute` reads (tests/core/test_sql_echo.py).
        connection.engine.logger.info("[prepared] %s", sql)
        connection.engine.logger.info("[prepared] %r", arguments)
    dialect = connection.dialect
    driver_connection = connection.connection.dbapi_connection
    if driver_connection is None:
        raise InvalidRequestError("the connection is closed")
    cursor = driver_connection.cursor()
    try:
        return work(cursor)
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, driver_connection, cursor)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql,
            arguments,
            exc,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from exc
    finally:
        with contextlib.suppress(dialect.loaded_dbapi.Error):
            cursor.close()


Processor = Callable[[Any], Any] | None
Statement = Select[*tuple[Any, ...]] | UpdateBase

# IN lists of more shapes (counts of members) than this are rendered on every execution.
MAX_SHAPES = 64


@dataclass(frozen=True)
class _Param:
    """Where one parameter's value comes from, and how the driver wants it."""

    placeholder: str  # its name in the SQL (named paramstyles)
    key: str | None  # the caller's value of this name; None for a constant of the statement
    index: int | None  # a member of the caller's list (an IN list), or None
    constant: Any
    processor: Processor


@dataclass(frozen=True)
class _Plan:
    """The SQL and its parameters, ready to be filled with a caller's values."""

    sql: str
    positional: bool
    params: tuple[_Param, ...]

    def arguments(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        converted = []
        for param in self.params:
            if param.key is None:
                value = param.constant
            elif param.index is None:
                value = values[param.key]
            else:
                value = values[param.key][param.index]
            # Processors take None too: a JSON column writes it as JSON null, as SQLAlchemy does.
            converted.append(value if param.processor is None else param.processor(value))
        if self.positional:
            return tuple(converted)
        return {p.placeholder: value for p, value in zip(self.params, converted, strict=True)}


@dataclass
class _Compiled:
    dialect: Dialect
    compiled: SQLCompiler
    # The caller's IN lists (names of "expanding" parameters): the plan depends on their sizes.
    lists: tuple[str, ...]
    # A SELECT, or DML with RETURNING.
    returns_rows: bool
    plans: dict[tuple[int, ...], _Plan]
    result_processors: list[Processor] | None = None

    def plan(self, values: Mapping[str, Any]) -> _Plan:
        shape = tuple(len(values[name]) for name in self.lists)
        found = self.plans.get(shape)
        if found is None:
            found = self._plan(values)
            if len(self.plans) < MAX_SHAPES:
                self.plans[shape] = found
        return found

    def _plan(self, values: Mapping[str, Any]) -> _Plan:
        compiled, dialect = self.compiled, self.dialect
        # SQLAlchemy's own rendering of the IN lists for lists of these sizes (public API).
        state = compiled.construct_expanded_state(dict(values))
        members = {
            expanded: (name, index)
            for name, names in state.parameter_expansion.items()
            for index, expanded in enumerate(names)
        }
        placeholders = state.positiontup if compiled.positional else list(state.parameters)
        assert placeholders is not None
        params = []
        for placeholder in placeholders:
            if placeholder in members:
                key, index = members[placeholder]
                bind = compiled.binds[key]
                processor = state.processors.get(placeholder)
                params.append(_Param(placeholder, bind.key, index, None, processor))
                continue
            bind = compiled.binds[placeholder]
            if bind.callable is not None:
                raise ValueError("a parameter computed at execution cannot be prepared")
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                params.append(_Param(placeholder, bind.key, None, None, processor))
            else:
                params.append(_Param(placeholder, None, None, bind.effective_value, processor))
        return _Plan(state.statement, compiled.positional, tuple(params))


# The databases the service runs on: statements spelled per database are built for each.
DIALECTS = ("sqlite", "postgresql")


class UnboundColumns(ValueError):
    """A prepared write, or the row given to one, would leave a column to chance."""


def _named_columns(statement: UpdateBase) -> set[str] | None:
    """The columns an INSERT's or UPDATE's `.values()` name; None when it names none.

    SQLAlchemy keeps them on the statement (`_values`, `_multi_values`: the keys are the
    columns, coerced); it has no public accessor. tests/core/test_prepared.py holds this to
    statements of every form used here, so an upgrade that moves them fails a test.
    """
    named: dict[Any, Any] = dict(getattr(statement, "_values", None) or {})
    for rows in getattr(statement, "_multi_values", ()):
        for row in rows:
            named.update(row if isinstance(row, Mapping) else {})
    if not named:
        return None
    return {key if isinstance(key, str) else key.key for key in named}


def _refuse_unbound(
    statement: Statement, leaves_out: frozenset[str]
) -> tuple[Statement, Table | None, frozenset[str]]:
    """The statement to run, the table it writes and the columns it writes there.

    Refuses any column it would leave to chance: an INSERT's column that is neither written
    nor a server-defaulted column named in `leaves_out`, an UPDATE's onupdate column it does
    not set. An INSERT without `.values()` writes every column but those left out, each from
    the caller's value of that name.
    """
    if not isinstance(statement, Insert | Update):
        if leaves_out:
            raise UnboundColumns("only an INSERT leaves columns out")
        return statement, None, frozenset()
    table: Table = statement.table  # type: ignore[assignment]
    columns: dict[str, Column[Any]] = {column.key: column for column in table.columns}
    named = _named_columns(statement)
    if isinstance(statement, Update):
        if leaves_out:
            raise UnboundColumns("only an INSERT leaves columns out")
        written = frozenset(named or ())
        unset = sorted(k for k, c in columns.items() if c.onupdate is not None and k not in written)
        if unset:
            raise UnboundColumns(
                f"bind these columns explicitly, no defaults are applied: {unset} ({table.name})"
            )
        return statement, table, written
    problems = []
    if unknown := sorted(leaves_out - set(columns)):
        problems.append(f"no such columns to leave out: {unknown}")
    if both := sorted((named or set()) & leaves_out):
        problems.append(f"both written and left out: {both}")
    if no_default := sorted(k for k in leaves_out & set(columns) if not columns[k].server_default):
        problems.append(f"left out without a server default: {no_default}")
    written = frozenset(columns) - leaves_out if named is None else frozenset(named)
    if forgotten := sorted(set(columns) - written - leaves_out):
        problems.append(f"neither written nor left out to a server default: {forgotten}")
    if problems:
        raise UnboundColumns(f"INSERT into {table.name}: {'; '.join(problems)}")
    if named is None and leaves_out:
        # Without values SQLAlchemy would write every column: name the others.
        statement = statement.values({key: bindparam(key) for key in sorted(written)})
    return statement, table, written


_REGISTRY: weakref.WeakSet[Prepared] = weakref.WeakSet()


def _builder() -> str:
    frame = sys._getframe(1)
    while frame.f_globals.get("__name__") == __name__ and frame.f_back is not None:
        frame = frame.f_back
    return str(frame.f_globals.get("__name__"))


def registered() -> list[Prepared]:
    """Every prepared statement built so far (those of the service are built at import)."""
    return list(_REGISTRY)


class Prepared:
    """A Core statement run with the least work per execution (see the module's docstring).

    Build it once, at import time, next to the repository that runs it. An INSERT writes
    every column of its table except those named in `leaves_out`, which the database fills
    from their server default.
    """

    def __init__(self, statement: Statement, *, leaves_out: Iterable[str] = ()) -> None:
        self.leaves_out = frozenset(leaves_out)
        # The table it writes and the columns it writes there (None and none for a SELECT).
        self.statement, self.table, self.writes = _refuse_unbound(statement, self.leaves_out)
        self._by_dialect: dict[tuple[str, str], _Compiled] = {}
        # The module that built it (named in a test's report when a statement falls behind).
        self.origin = _builder()
        # The database it is spelled for, when it is spelled for one (PreparedPerDialect).
        self.dialect: str | None = None
        _REGISTRY.add(self)

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            defaulted = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise ValueError(f"bind these columns explicitly, no defaults are applied: {defaulted}")
        if any(b.literal_execute for b in compiled.binds.values()):
            raise ValueError("values rendered into the SQL at execution cannot be prepared")
        lists = tuple(dict.fromkeys(b.key for b in compiled.binds.values() if b.expanding))
        returns_rows = bool(self.statement.exported_columns)
        return _Compiled(dialect, compiled, lists, returns_rows, plans={})

    def _arguments(self, spec: _Compiled, values: Mapping[str, Any]) -> tuple[str, Any]:
        try:
            plan = spec.plan(values)
            return plan.sql, plan.arguments(values)
        except (KeyError, InvalidRequestError) as missing:
            raise UnboundColumns(f"no value for parameter {missing} of {spec.compiled}") from None

    def _run(
        self, connection: Connection, values: Mapping[str, Any]
    ) -> tuple[int, list[tuple[Any, ...]]]:
        """How many rows it changed (or returned), and the rows it returned."""
        spec = self._compiled(connection.dialect)
        sql, arguments = self._arguments(spec, values)

        def work(cursor: Any) -> tuple[int, list[tuple[Any, ...]]]:
            cursor.execute(sql, arguments)
            if not spec.returns_rows:
                return cursor.rowcount, []
            # Read before counting: SQLite counts RETURNING rows only as they are fetched.
            fetched = [tuple(row) for row in cursor.fetchall()]
            return len(fetched), self._read(spec, cursor, fetched)

        return _on_cursor(connection, sql, arguments, work)

    def _read(
        self, spec: _Compiled, cursor: Any, fetched: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        if not fetched:
            return fetched
        if spec.result_processors is None:
            # Made on the first rows: some drivers' processors depend on the column's type
            # code in the cursor's description (PostgreSQL's numerics).
            spec.result_processors = [
                column.type.dialect_impl(spec.dialect).result_processor(
                    spec.dialect, description[1]
                )
                for column, description in zip(
                    self.statement.exported_columns, cursor.description, strict=True
                )
            ]
        processors = spec.result_processors
        return [
            tuple(
                value if process is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in fetched
        ]

    def execute(self, connection: Connection, values: Mapping[str, Any]) -> int:
        """Run it once; how many rows it changed."""
        return self._run(connection, values)[0]

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run it once and read every row it returns (SELECT, or RETURNING)."""
        return self._run(connection, values)[1]

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run it for each of `rows` (an INSERT of several rows), in one driver call."""
        if not rows:
            return
        spec = self._compiled(connection.dialect)
        if spec.lists or spec.returns_rows:
            for values in rows:
                self._run(connection, values)
            return
        sql, first = self._arguments(spec, rows[0])
        arguments = [first, *(self._arguments(spec, values)[1] for values in rows[1:])]
        _on_cursor(connection, sql, arguments, lambda cursor: cursor.executemany(sql, arguments))


class PreparedPerDialect:
    """A statement spelled differently per database (INSERT … ON CONFLICT), prepared for
    each of them when it is built, so each spelling is checked and registered at import."""

    def __init__(self, build: Callable[[str], Statement], *, leaves_out: Iterable[str] = ()):
        left = tuple(leaves_out)
        self._by_dialect = {name: Prepared(build(name), leaves_out=left) for name in DIALECTS}
        for name, prepared in self._by_dialect.items():
            prepared.dialect = name

    def on(self, connection: Connection) -> Prepared:
        return self._by_dialect[connection.dialect.name]
