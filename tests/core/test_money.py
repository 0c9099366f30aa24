"""Money and lengths survive the database and the JSON output exactly."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, type_coerce
from sqlalchemy.exc import StatementError

from carpet_shop.core.database import Database
from carpet_shop.core.types import DecimalNumber, Hundredths

LIMIT = Decimal(10) ** 13
two_places = st.decimals(
    min_value=-LIMIT, max_value=LIMIT, places=2, allow_nan=False, allow_infinity=False
)


class Amount(BaseModel):
    value: DecimalNumber


@pytest.fixture
def money_table(db: Database) -> Iterator[Table]:
    """A scratch table with one Hundredths column, dropped afterwards."""
    metadata = MetaData()
    table = Table(
        f"money_check_{uuid.uuid4().hex[:8]}",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("amount", Hundredths()),
    )
    metadata.create_all(db.engine)
    yield table
    metadata.drop_all(db.engine)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=two_places)
def test_every_two_place_amount_round_trips_through_the_column(db, money_table, amount):
    with db.engine.begin() as conn:
        row_id = conn.execute(insert(money_table).values(amount=amount)).inserted_primary_key[0]
        stored = conn.scalar(select(money_table.c.amount).where(money_table.c.id == row_id))
    assert stored == amount
    assert isinstance(stored, Decimal)
    assert stored.as_tuple().exponent == -2


@settings(max_examples=500, deadline=None)
@given(amount=two_places)
def test_every_two_place_amount_is_written_as_an_exact_json_number(amount):
    model = Amount(value=amount)
    # Pydantic's own writer, and the json.dumps path a JSONResponse takes.
    for text in (model.model_dump_json(), json.dumps(model.model_dump(mode="json"))):
        parsed = json.loads(text, parse_float=Decimal)["value"]
        assert not isinstance(parsed, str)
        assert Decimal(parsed) == amount


@pytest.mark.parametrize(
    "amount",
    ["0.01", "0.10", "1.05", "350000", "9999999999999.99", "1234567890123.45", "-0.07"],
)
def test_known_amounts(db, money_table, amount):
    value = Decimal(amount)
    with db.engine.begin() as conn:
        conn.execute(insert(money_table).values(id=1, amount=value))
        assert conn.scalar(select(money_table.c.amount)) == value
    assert json.loads(Amount(value=value).model_dump_json(), parse_float=Decimal)["value"] == value


def test_more_than_two_places_is_refused(db, money_table):
    with db.engine.begin() as conn, pytest.raises(StatementError, match="two decimal places"):
        conn.execute(insert(money_table).values(id=1, amount=Decimal("1.005")))


def test_sql_sums_of_money_read_back_exactly(db, money_table):
    with db.engine.begin() as conn:
        conn.execute(
            insert(money_table),
            [{"id": 1, "amount": Decimal("0.10")}, {"id": 2, "amount": Decimal("0.20")}],
        )
        assert conn.scalar(select(func.sum(money_table.c.amount))) == Decimal("0.30")
        tripled = conn.scalar(
            select(type_coerce(money_table.c.amount * 3, Hundredths())).where(money_table.c.id == 1)
        )
    assert tripled == Decimal("0.30")


def test_literals_in_sql_arithmetic(db, money_table):
    """A literal compared or added is money; a factor or divisor is a plain number."""
    with db.engine.begin() as conn:
        conn.execute(insert(money_table).values(id=1, amount=Decimal("350000.50")))
        amount = money_table.c.amount

        def read(expression):  # type: ignore[no-untyped-def]
            return conn.scalar(select(type_coerce(expression, Hundredths())))

        assert read(amount + Decimal("0.25")) == Decimal("350000.75")
        assert read(amount - 50000) == Decimal("300000.50")
        assert read(amount * 2) == Decimal("700001.00")
        assert read(amount / 2) == Decimal("175000.25")
        assert conn.scalar(select(func.count()).where(amount > 350000)) == 1
        assert conn.scalar(select(func.count()).where(amount > Decimal("350000.50"))) == 0
