"""SQL that must read the same on SQLite and PostgreSQL: time buckets, exact integer money
arithmetic, and "add to the row with this key" upserts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, Table, case, func, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from carpet_shop.core.models import Base
from carpet_shop.core.prepared import PreparedPerDialect, connection_of
from carpet_shop.core.repository import insert_on_conflict
from carpet_shop.core.types import Hundredths
from carpet_shop.sales.models import SaleItem

# Receipts are bucketed by quarter hours of UTC: every time zone's offset is a whole number
# of quarter hours, so each bucket lies within one shop hour (and one shop day).
BUCKET_SECONDS = 900


class EpochBucket(FunctionElement[int]):
    """floor(seconds since 1970 UTC / width): the time bucket of an instant, on both databases."""

    type = BigInteger()
    name = "epoch_bucket"
    inherit_cache = True


@compiles(EpochBucket, "sqlite")
def _epoch_bucket_sqlite(element: EpochBucket, compiler: SQLCompiler, **kw: Any) -> str:
    column, width = list(element.clauses)
    # Instants are stored as UTC text; strftime('%s') reads them as UTC seconds.
    return (
        f"(CAST(strftime('%s', {compiler.process(column, **kw)}) AS INTEGER)"
        f" / {compiler.process(width, literal_binds=True)})"
    )


@compiles(EpochBucket, "postgresql")
def _epoch_bucket_postgresql(element: EpochBucket, compiler: SQLCompiler, **kw: Any) -> str:
    column, width = list(element.clauses)
    return (
        f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(column, **kw)})"
        f" / {compiler.process(width, literal_binds=True)}) AS BIGINT)"
    )


def as_int(column: Any) -> ColumnElement[int]:
    """A hundredths column as the integer it is stored as, for exact SQL arithmetic."""
    return type_coerce(column, BigInteger)


def as_money(expression: ColumnElement[Any]) -> ColumnElement[Decimal]:
    """A sum of hundredths, read back as an exact Decimal (0 when there were no rows)."""
    return type_coerce(func.coalesce(expression, 0), Hundredths())


def scaled_by_kept(column: Any) -> ColumnElement[int]:
    """figures.scale_cents in SQL: value × (quantity − returned) / quantity, integer division
    (truncates toward zero on SQLite and PostgreSQL). Untouched items skip the arithmetic."""
    quantity, returned = as_int(SaleItem.quantity), as_int(SaleItem.returned_quantity)
    value = as_int(column)
    kept_share = (value * (quantity - returned)).op("/", return_type=BigInteger)(quantity)
    return case((returned == 0, value), else_=kept_share)


class AddingUpsert:
    """ "Add to the row with this key" for one rollup table, prepared at import.

    `fixed` columns follow from the key (a product's branch) and are written only once; every
    other column is added to the existing row. Rows give every column of the table.

    One INSERT … ON CONFLICT DO UPDATE: atomic under concurrent sales on PostgreSQL, and
    SQLite's writers are serialised anyway.
    """

    def __init__(self, model: type[Base], keys: Sequence[str], *, fixed: Sequence[str] = ()):
        table = cast(Table, model.__table__)
        self.keys = tuple(keys)
        added = [c.key for c in table.columns if c.key not in keys and c.key not in fixed]

        def build(dialect: str) -> Any:
            stmt = insert_on_conflict(dialect, table)
            return stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_={name: table.c[name] + stmt.excluded[name] for name in added},
            )

        self._prepared = PreparedPerDialect(build)

    def add(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Add each row's figures to the row with the same key, creating it if need be.

        Rows must have distinct keys (merge them first). They are written in key order, so
        two receipts with the same products in another order lock the rows in the same
        order and wait for each other instead of deadlocking.
        """
        if not rows:
            return
        connection = connection_of(session)
        ordered = sorted(rows, key=lambda row: tuple(str(row[k]) for k in self.keys))
        self._prepared.on(connection).execute_many(connection, ordered)
