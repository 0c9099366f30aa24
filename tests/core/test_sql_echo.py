"""SQL_ECHO: every statement a sale runs is logged, the prepared ones (run on the driver's
cursor, core.prepared) too, so a developer can follow a sale to the database."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.main import create_app
from tests.factories import assert_ok, auth_headers


@pytest.fixture
def echo_client(settings: Settings, clock):
    echoing = settings.model_copy(update={"sql_echo": True})
    database = Database.from_settings(echoing)
    try:
        with TestClient(create_app(settings=echoing, database=database, clock=clock)) as client:
            yield client
    finally:
        database.dispose()


def test_with_sql_echo_on_a_sales_statements_are_logged(echo_client, factory, caplog):
    branch = factory.branch()
    seller = factory.seller(branch)
    product = factory.product(branch, stock=5, buy_price=100_000, sell_price=150_000)
    headers = auth_headers(echo_client, seller)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sqlalchemy.engine"):
        sale = echo_client.post(
            "/api/sales",
            json={
                "product_id": str(product.id),
                "quantity": 1,
                "amount": 150_000,
                "payment_type": "cash",
            },
            headers=headers,
        )
        assert_ok(sale, 201)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy"))
    # The prepared statements of the sale: stock, receipt number, the sale's rows, rollups,
    # audit entry; each with its parameters.
    for statement in (
        "UPDATE products SET quantity",
        "INSERT INTO stock_movements",
        "INSERT INTO receipt_counters",
        "INSERT INTO sales ",
        "INSERT INTO sale_items",
        "INSERT INTO sale_payments",
        "INSERT INTO analytics_sales_daily",
        "INSERT INTO audit_logs",
    ):
        assert f"[prepared] {statement}" in logged, statement
    assert repr(product.id.hex) in logged or str(product.id) in logged


def test_without_it_no_statement_is_logged(client, factory, caplog):
    # The service's own log at INFO (the access log) does not bring SQL with it.
    branch = factory.branch()
    product = factory.product(branch, stock=5)
    headers = auth_headers(client, factory.seller(branch))
    with caplog.at_level(logging.INFO):
        body = {"product_id": str(product.id), "quantity": 1, "amount": 150_000}
        assert_ok(
            client.post("/api/sales", json={**body, "payment_type": "cash"}, headers=headers), 201
        )
    assert [r for r in caplog.records if r.name == "carpet_shop.access"]
    assert not [r for r in caplog.records if r.name.startswith("sqlalchemy")]
