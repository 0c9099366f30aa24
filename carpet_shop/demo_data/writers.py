"""Rows straight to the database driver: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

SALE_COLUMNS = (
    "id",
    "receipt_number",
    "branch_id",
    "seller_id",
    "customer_name",
    "customer_phone",
    "note",
    "date",
    "created_at",
    "amount",
    "profit",
    "director_profit",
    "cost",
    "refunded_amount",
)
ITEM_COLUMNS = (
    "id",
    "sale_id",
    "position",
    "product_id",
    "size",
    "cut_size",
    "quantity",
    "amount",
    "list_price",
    "standard_price",
    "buy_price",
    "discount_id",
    "discount_amount",
    "extra_profit",
    "director_profit",
    "returned_quantity",
    "refunded_amount",
)
PAYMENT_COLUMNS = ("id", "sale_id", "position", "payment_type", "amount")
SALES_DAILY = (
    ("shop_day", "branch_id", "seller_id"),
    (
        "sale_count",
        "item_count",
        "revenue",
        "refunded",
        "extra_profit",
        "director_profit",
    ),
)
PAYMENTS_DAILY = ("shop_day", "branch_id", "seller_id", "payment_type"), ("sale_count", "amount")
PRODUCT_FIGURES = (
    "branch_id",
    "item_count",
    "quantity",
    "revenue",
    "refunded",
    "extra_profit",
    "director_profit",
)
PRODUCTS_DAILY = ("shop_day", "product_id"), PRODUCT_FIGURES
PRODUCTS_MONTHLY = ("shop_month", "product_id"), PRODUCT_FIGURES
SIZES_DAILY = (
    ("shop_day", "branch_id", "product_type", "size"),
    (
        "sale_count",
        "item_count",
        "quantity",
        "revenue",
        "refunded",
        "extra_profit",
        "director_profit",
    ),
)


class Writer(Protocol):
    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...

    def add(
        self, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None: ...

    def set_counters(self, rows: list[tuple[str, int]]) -> None: ...

    def timestamp(self, instant: datetime) -> str: ...

    def commit(self) -> None: ...


# Table and column names below are this module's constants; values are always bound.


def _counters_sql(mark: str) -> str:
    insert = f"INSERT INTO receipt_counters (branch_id, last_number) VALUES ({mark}, {mark})"  # noqa: S608
    return f"{insert} ON CONFLICT (branch_id) DO UPDATE SET last_number = excluded.last_number"


def _upsert_sql(table: str, key: Sequence[str], columns: Sequence[str], mark: str) -> str:
    # Columns after the key are added to an existing row, except a product's branch.
    names = [*key, *columns]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns if c != "branch_id")
    marks = ", ".join([mark] * len(names))
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
    return f"{insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"


class SqliteWriter:
    def __init__(self, connection: Any):
        self.connection = connection
        self.cursor = connection.cursor()
        # A bulk load: a large page cache, and no fsync per commit (a crash loses the load).
        self.cursor.execute("PRAGMA cache_size=-262144")
        self.cursor.execute("PRAGMA synchronous=OFF")
        self.cursor.execute("BEGIN IMMEDIATE")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    def add(
        self, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        self.cursor.executemany(_upsert_sql(table, key, columns, "?"), rows)

    def set_counters(self, rows: list[tuple[str, int]]) -> None:
        self.cursor.executemany(_counters_sql("?"), rows)

    def timestamp(self, instant: datetime) -> str:
        return instant.strftime("%Y-%m-%d %H:%M:%S.%f")

    def commit(self) -> None:
        self.cursor.execute("COMMIT")
        self.cursor.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.cursor.execute("COMMIT")
        self.cursor.execute("PRAGMA synchronous=NORMAL")
        self.cursor.close()


class PostgresWriter:
    def __init__(self, connection: Any):
        self.connection = connection

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def add(
        self, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(table, key, columns, "%s"), rows)

    def set_counters(self, rows: list[tuple[str, int]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_counters_sql("%s"), rows)

    def timestamp(self, instant: datetime) -> str:
        return instant.strftime("%Y-%m-%d %H:%M:%S.%f+00")

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.commit()
        # A bulk load leaves the planner's statistics empty until autovacuum comes round: a
        # month's analytics read with them estimated a thousand rollup rows where there were
        # eighteen thousand, and chose its plan by that.
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.connection.commit()
