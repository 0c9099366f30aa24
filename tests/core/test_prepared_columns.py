"""Every prepared write of the service, held against its table: a column added to a table
later, and not written by a statement or deliberately left to its server default, fails
here (and the statement refuses to be built), not in a shop's data."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import inspect

import carpet_shop
from carpet_shop.core.prepared import DIALECTS, Prepared, registered
from carpet_shop.demo_data import writers
from carpet_shop.models import Base


def _service_statements() -> list[Prepared]:
    """Every module of the service imported (statements are built at import), then every
    prepared statement they built."""
    for module in pkgutil.walk_packages(carpet_shop.__path__, "carpet_shop."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found = [p for p in registered() if p.origin.startswith("carpet_shop.")]
    # In one order in every test worker (the registry has none).
    return sorted(found, key=lambda p: (p.origin, p.dialect or "", str(p.statement)))


def _writes() -> list[Prepared]:
    return [p for p in _service_statements() if p.table is not None]


def test_the_service_prepares_the_writes_a_sale_runs():
    written = {p.table.name for p in _writes() if p.table is not None}
    assert {
        "sales",
        "sale_items",
        "sale_payments",
        "receipt_counters",
        "stock_movements",
        "audit_logs",
        "products",
        "analytics_sales_daily",
        "analytics_payments_daily",
        "analytics_products_daily",
        "analytics_products_monthly",
    } <= written
    # Spelled per database (INSERT … ON CONFLICT): one statement for each.
    sales = [p for p in _writes() if p.table is not None and p.table.name == "sales"]
    assert len(sales) == len(DIALECTS)


def _name(prepared: Prepared) -> str:
    assert prepared.table is not None
    return f"{prepared.origin}:{prepared.table.name}:{prepared.dialect or 'any'}"


@pytest.mark.parametrize("prepared", _writes(), ids=_name)
def test_every_column_of_an_insert_is_written_or_left_to_its_server_default(prepared):
    table = prepared.table
    assert table is not None
    columns = set(table.columns.keys())
    if prepared.statement.is_insert:
        assert prepared.writes | prepared.leaves_out == columns
        assert not prepared.writes & prepared.leaves_out
        assert all(table.columns[c].server_default is not None for c in prepared.leaves_out)
    else:
        onupdate = {c.key for c in table.columns if c.onupdate is not None}
        assert onupdate <= prepared.writes <= columns


def test_the_models_columns_are_the_migrated_tables(db):
    """A column added by a migration and not to the model would be left out of every
    prepared INSERT (the model decides what they write): each table a prepared statement
    writes has the same columns in the migrated database as in the model, and the columns
    left to a server default have one there."""
    inspector = inspect(db.engine)
    for prepared in _writes():
        table = prepared.table
        assert table is not None
        migrated = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(migrated) == {c.name for c in table.columns}, table.name
        for name in prepared.leaves_out:
            assert migrated[table.columns[name].name]["default"] is not None


def test_the_bulk_generator_writes_every_column_of_the_receipt_tables():
    """`carpet-shop demo-data` writes a year of receipts straight to the driver, column
    lists spelled out: a column added to these tables must be added there too."""
    # Generated sales name no registered customer: that column is left NULL on purpose.
    left_null = {"sales": {"customer_id"}}
    for table, columns in (
        ("sales", writers.SALE_COLUMNS),
        ("sale_items", writers.ITEM_COLUMNS),
        ("sale_payments", writers.PAYMENT_COLUMNS),
        ("analytics_sales_daily", sum(writers.SALES_DAILY, ())),
        ("analytics_payments_daily", sum(writers.PAYMENTS_DAILY, ())),
        ("analytics_products_daily", sum(writers.PRODUCTS_DAILY, ())),
        ("analytics_products_monthly", sum(writers.PRODUCTS_MONTHLY, ())),
    ):
        model_columns = set(Base.metadata.tables[table].columns.keys())
        assert set(columns) | left_null.get(table, set()) == model_columns, table
