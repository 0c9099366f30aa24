"""Statements of the busiest writes, compiled once and run on the driver's own cursor.

Ringing up a sale runs about fifteen statements. Through `Connection.execute` each costs
80–100 µs of SQLAlchemy's work in a busy request (an execution context, events, parameter
processing, a result object) against 20–30 µs of SQLite's: most of a sale's time. A
`Prepared` statement is compiled by SQLAlchemy once per dialect, from an ordinary Core
statement, and keeps what that compilation says: the SQL text, the order of its parameters,
the constants bound in it, and each parameter's bind processor (UUIDs, enums, instants,
hundredths, JSON). Each execution then only converts the values and hands them to the
driver's cursor, inside the transaction the session began on that connection, and reads
RETURNING or SELECT rows back through the columns' result processors.

What SQLAlchemy would otherwise add at execution is not done here, so a statement is
refused when compiled if it relies on it: Python-side column defaults and onupdate values
must be bound explicitly. Driver errors come out as SQLAlchemy's own (`IntegrityError`
and the rest), so the error handlers treat them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import Select

Processor = Callable[[Any], Any] | None
Statement = Select[*tuple[Any, ...]] | UpdateBase


@dataclass(frozen=True)
class _Param:
    placeholder: str  # its name in the SQL (named paramstyles)
    key: str  # its name in the values passed in
    processor: Processor
    # A value bound in the statement itself (a literal compared with), not passed in.
    constant: bool
    value: Any


@dataclass
class _Compiled:
    dialect: Dialect
    compiled: SQLCompiler
    sql: str
    positional: bool
    params: tuple[_Param, ...]
    # Statements with IN lists ("expanding" parameters) are rendered per execution.
    expanding: bool
    processors: Mapping[str, Processor]
    result_processors: list[Processor] | None = None


class Prepared:
    """A Core statement run with the least work per execution (see the module's docstring).

    Build it once, at import time, next to the repository that runs it.
    """

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._by_dialect: dict[tuple[str, str], _Compiled] = {}

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
        names = compiled.positiontup if compiled.positional else compiled.bind_names.values()
        assert names is not None
        if any(compiled.binds[name].callable is not None for name in names):
            raise ValueError("a parameter computed at execution cannot be prepared")
        processors = {
            name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        }
        params = [
            _Param(
                placeholder=name,
                key=compiled.binds[name].key,
                processor=processors[name],
                constant=not compiled.binds[name].required,
                value=compiled.binds[name].effective_value,
            )
            for name in (names if compiled.positional else processors)
        ]
        return _Compiled(
            dialect=dialect,
            compiled=compiled,
            sql=compiled.string,
            positional=compiled.positional,
            params=tuple(params),
            expanding=any(b.expanding for b in compiled.binds.values()),
            processors=processors,
        )

    @staticmethod
    def _value(param: _Param, values: Mapping[str, Any]) -> Any:
        value = param.value if param.constant else values[param.key]
        # Processors take None too: a JSON column writes it as JSON null, as SQLAlchemy does.
        return value if param.processor is None else param.processor(value)

    def _arguments(self, spec: _Compiled, values: Mapping[str, Any]) -> tuple[str, Any]:
        if spec.expanding:
            # SQLAlchemy's own rendering of IN lists for this set of values (public API); its
            # processors are those of the expanded lists' members.
            state = spec.compiled.construct_expanded_state(dict(values))
            processed = {}
            for name, value in state.parameters.items():
                process = state.processors.get(name) or spec.processors.get(name)
                processed[name] = value if process is None else process(value)
            if state.positiontup is None:
                return state.statement, processed
            return state.statement, tuple(processed[name] for name in state.positiontup)
        if spec.positional:
            return spec.sql, tuple(self._value(p, values) for p in spec.params)
        return spec.sql, {p.placeholder: self._value(p, values) for p in spec.params}

    def _run(
        self, connection: Connection, values: Mapping[str, Any], *, rows: bool
    ) -> tuple[int, list[tuple[Any, ...]]]:
        spec = self._compiled(connection.dialect)
        try:
            sql, arguments = self._arguments(spec, values)
        except KeyError as missing:
            raise ValueError(f"no value for parameter {missing} of {spec.sql!r}") from None
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, arguments)
            fetched = [tuple(row) for row in cursor.fetchall()] if rows else []
            return cursor.rowcount, self._read(spec, cursor, fetched)
        except spec.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(spec, sql, arguments, exc) from exc
        finally:
            cursor.close()

    @staticmethod
    def _wrapped(spec: _Compiled, sql: str, arguments: Any, exc: Exception) -> Exception:
        return DBAPIError.instance(
            sql, arguments, exc, spec.dialect.loaded_dbapi.Error, dialect=spec.dialect
        )

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
        return self._run(connection, values, rows=False)[0]

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run it once and read every row it returns (SELECT, or RETURNING)."""
        return self._run(connection, values, rows=True)[1]

    def execute_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run it for each of `rows` (an INSERT of several rows), in one driver call."""
        if not rows:
            return
        spec = self._compiled(connection.dialect)
        if spec.expanding:
            for values in rows:
                self._run(connection, values, rows=False)
            return
        try:
            arguments = [self._arguments(spec, values)[1] for values in rows]
        except KeyError as missing:
            raise ValueError(f"no value for parameter {missing} of {spec.sql!r}") from None
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(spec.sql, arguments)
        except spec.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(spec, spec.sql, arguments, exc) from exc
        finally:
            cursor.close()
