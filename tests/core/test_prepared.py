"""Prepared statements (core.prepared): the values written and read back are those the ORM
writes and reads, on SQLite and PostgreSQL; what they cannot do is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from carpet_shop.audit.models import AuditAction, AuditLog
from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.core.prepared import Prepared, UnboundColumns, _named_columns, connection_of
from carpet_shop.core.repository import row_of, unsaved
from carpet_shop.sales.models import Sale, SalePayment

_APPEND = Prepared(insert(AuditLog))
_PRODUCTS = Prepared(
    select(
        Product.id,
        Product.type,
        Product.sell_price,
        Product.remaining_length,
        Product.available_sizes,
        Product.created_at,
    )
    .where(Product.id.in_(bindparam("ids", expanding=True)))
    .order_by(Product.name)
)
_ROLLS = Prepared(
    select(Product.id).where(Product.type == ProductType.METER, Product.id == bindparam("id"))
)
_REPRICE = Prepared(
    update(Product)
    .where(Product.id == bindparam("id"))
    .values(sell_price=bindparam("price"), updated_at=bindparam("now"))
    .returning(Product.sell_price, Product.updated_at)
)


def _entry(**fields: object) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "user_id": None,
        "action": AuditAction.UPDATE,
        "entity_type": "product",
        "entity_id": uuid.uuid4(),
        "changes": {"price": {"old": 1, "new": 2}, "note": "Bahor aksiyasi"},
        "ip_address": "10.0.0.7",
        "user_agent": None,
        "timestamp": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        **fields,
    }


def test_an_insert_writes_what_the_orm_reads_back(db):
    entry = _entry()
    with db.transaction() as session:
        assert _APPEND.execute(session.connection(), entry) == 1
    with db.transaction(write=False) as session:
        stored = session.get(AuditLog, entry["id"])
        assert stored is not None
        assert {key: getattr(stored, key) for key in entry} == entry


def test_selected_rows_come_back_typed_and_in_lists(db, factory):
    rug = factory.product(name="A rug", sell_price="1250000.50")
    roll = factory.product(name="B roll", type=ProductType.METER, length="12.35", sell_price=90_000)
    with db.transaction(write=False) as session:
        connection = session.connection()
        rows = _PRODUCTS.rows(connection, {"ids": [rug.id, roll.id, uuid.uuid4()]})
        metres = Decimal("12.35")
        assert rows == [
            (rug.id, ProductType.UNIT, Decimal("1250000.50"), None, ["2×3"], rug.created_at),
            (roll.id, ProductType.METER, Decimal("90000.00"), metres, [], roll.created_at),
        ]
        assert _PRODUCTS.rows(connection, {"ids": []}) == []
        # Lists of one size share a rendering, never the values of an earlier call.
        assert [r[0] for r in _PRODUCTS.rows(connection, {"ids": [rug.id]})] == [rug.id]
        assert [r[0] for r in _PRODUCTS.rows(connection, {"ids": [roll.id]})] == [roll.id]
        assert [r[0] for r in _PRODUCTS.rows(connection, {"ids": [roll.id, rug.id]})] == [
            rug.id,
            roll.id,
        ]
        # A value bound in the statement itself (the product type) takes part too.
        assert _ROLLS.rows(connection, {"id": roll.id}) == [(roll.id,)]
        assert _ROLLS.rows(connection, {"id": rug.id}) == []


def test_an_update_returns_the_new_values_and_counts_its_rows(db, factory):
    rug = factory.product(sell_price=150_000)
    now = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
    with db.transaction() as session:
        connection = session.connection()
        values = {"id": rug.id, "price": Decimal("175000.25"), "now": now}
        assert _REPRICE.rows(connection, values) == [(Decimal("175000.25"), now)]
        assert _REPRICE.execute(connection, values) == 1
        assert _REPRICE.execute(connection, {**values, "id": uuid.uuid4()}) == 0
    with db.transaction(write=False) as session:
        stored = session.get(Product, rug.id)
        assert stored is not None
        assert (stored.sell_price, stored.updated_at) == (Decimal("175000.25"), now)


def test_several_rows_go_in_with_one_call(db):
    entries = [_entry(entity_type=f"thing {n}") for n in range(3)]
    with db.transaction() as session:
        _APPEND.execute_many(session.connection(), entries)
        _APPEND.execute_many(session.connection(), [])
    with db.transaction(write=False) as session:
        stored = session.scalars(
            select(AuditLog.entity_type).where(AuditLog.id.in_([e["id"] for e in entries]))
        ).all()
        assert sorted(stored) == ["thing 0", "thing 1", "thing 2"]


def test_a_database_error_is_sqlalchemys_and_nothing_is_written(db):
    entry = _entry()
    with pytest.raises(IntegrityError), db.transaction() as session:
        _APPEND.execute_many(session.connection(), [entry, entry])
    with db.transaction(write=False) as session:
        assert session.get(AuditLog, entry["id"]) is None


def test_a_missing_value_is_named(db):
    entry = _entry()
    del entry["timestamp"]
    with pytest.raises(ValueError, match="timestamp"), db.transaction() as session:
        _APPEND.execute(session.connection(), entry)


def test_a_statement_that_needs_column_defaults_is_refused(db):
    # updated_at has an onupdate default, which SQLAlchemy would add at execution: refused
    # when the statement is built, before it can run.
    def build_and_run() -> None:
        relies_on_default = Prepared(
            update(Product).where(Product.id == bindparam("id")).values(quantity=1)
        )
        with db.transaction() as session:
            relies_on_default.execute(session.connection(), {"id": uuid.uuid4()})

    with pytest.raises(ValueError, match="updated_at"):
        build_and_run()


def test_a_value_rendered_into_the_sql_is_refused(db):
    rendered = Prepared(
        select(Product.id).where(Product.name == bindparam("name", literal_execute=True))
    )
    with pytest.raises(ValueError, match="rendered"), db.transaction() as session:
        rendered.rows(session.connection(), {"name": "Gilam"})


def test_the_connection_is_kept_for_one_transaction_only(db):
    session = db.session(write=True)
    try:
        first = connection_of(session)
        assert connection_of(session) is first
        _APPEND.execute(first, _entry())
        session.commit()
        second = connection_of(session)
        assert second is not first
        entry = _entry()
        _APPEND.execute(second, entry)
        session.rollback()
        third = connection_of(session)
        assert third is not second
        # The rolled-back entry is gone: the kept connection was not reused past its end.
        assert session.get(AuditLog, entry["id"]) is None
    finally:
        session.close()


# No silent columns: the repro was a nullable column with a default added to `sales`,
# which every sale then stored as NULL. The same table with such a column, here:


def _sales_with(*extra: Column[Any]) -> Table:
    """`sales` as the model has it, plus `extra` columns (in a metadata of its own)."""
    return Table("sales", MetaData(), *(c._copy() for c in Sale.__table__.columns), *extra)


_SALE_COLUMNS = [column.key for column in Sale.__table__.columns]


def _sale_binds() -> dict[str, Any]:
    return {c.key: bindparam(c.key) for c in Sale.__table__.columns}


def test_an_insert_that_would_leave_a_new_column_to_chance_is_refused_when_built():
    def channel() -> Column[Any]:
        return Column("channel", String(20), nullable=True, default="counter")

    with pytest.raises(UnboundColumns, match=r"sales: neither written .*\['channel'\]"):
        Prepared(insert(_sales_with(channel())).values(_sale_binds()))
    # A server default it does not name as left out is refused too: leaving it out must be
    # a decision, not an accident.
    served = Column("channel", String(20), nullable=True, server_default="counter")
    with pytest.raises(UnboundColumns, match=r"\['channel'\]"):
        Prepared(insert(_sales_with(served)).values(_sale_binds()))
    # A column can only be left out to a server default.
    with pytest.raises(UnboundColumns, match="without a server default"):
        Prepared(insert(_sales_with(channel())), leaves_out=["channel"])
    with pytest.raises(UnboundColumns, match="no such columns"):
        Prepared(insert(AuditLog), leaves_out=["chanel"])
    with pytest.raises(UnboundColumns, match="only an INSERT"):
        Prepared(select(AuditLog.id), leaves_out=["id"])


def test_an_insert_of_every_column_writes_the_new_one_from_the_callers_values():
    channel = Column("channel", String(20), nullable=True, default="counter")
    every = Prepared(insert(_sales_with(channel)))
    assert every.writes == {*_SALE_COLUMNS, "channel"}
    left = Prepared(
        insert(_sales_with(Column("channel", String(20), server_default="counter"))),
        leaves_out=["channel"],
    )
    assert left.writes == set(_SALE_COLUMNS)
    assert "channel" not in str(left.statement.compile())


def test_a_column_left_to_its_server_default_gets_it(db):
    table = Table(
        "prepared_left_out",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("channel", String(20), nullable=False, server_default="counter"),
    )
    write = Prepared(insert(table), leaves_out=["channel"])
    table.create(db.engine)
    try:
        with db.transaction() as session:
            write.execute(session.connection(), {"id": 1})
        with db.transaction(write=False) as session:
            assert session.execute(select(table.c.channel)).scalars().all() == ["counter"]
    finally:
        table.drop(db.engine)


def test_an_update_that_would_leave_an_onupdate_column_unset_is_refused_when_built():
    with pytest.raises(UnboundColumns, match="updated_at"):
        Prepared(update(Product).where(Product.id == bindparam("id")).values(quantity=1))
    stamped = Prepared(
        update(Product)
        .where(Product.id == bindparam("id"))
        .values({Product.quantity: 1, "updated_at": bindparam("now")})
    )
    assert stamped.writes == {"quantity", "updated_at"}


def test_the_columns_a_statement_names_are_read_in_every_form():
    assert _named_columns(insert(AuditLog)) is None
    assert _named_columns(insert(AuditLog).values(id=bindparam("id"))) == {"id"}
    assert _named_columns(insert(AuditLog).values({AuditLog.id: 1, "user_id": None})) == {
        "id",
        "user_id",
    }
    assert _named_columns(insert(AuditLog).values([{"id": 1}, {"id": 2}])) == {"id"}
    assert _named_columns(update(Product).values({Product.quantity: 1})) == {"quantity"}


def test_a_row_without_every_column_is_refused_before_it_is_written():
    # The repro's path: the sale's row is built with unsaved(...) and written with row_of(...).
    with pytest.raises(UnboundColumns, match=r"Sale: .*missing \['refunded_amount'\]"):
        unsaved(Sale, **{c: None for c in _SALE_COLUMNS if c != "refunded_amount"})
    with pytest.raises(UnboundColumns, match=r"not columns \['chanel'\]"):
        unsaved(Sale, chanel=None, **{c: None for c in _SALE_COLUMNS})
    # An entity made some other way, without a value for a column, is refused by row_of
    # instead of being written with NULL there.
    sale = unsaved(Sale, **{c: None for c in _SALE_COLUMNS})
    del sale.__dict__["note"]
    with pytest.raises(UnboundColumns, match=r"missing \['note'\]"):
        row_of(sale)
    payment = unsaved(
        SalePayment, id=None, sale_id=None, position=0, payment_type=None, amount=Decimal(1)
    )
    assert row_of(payment) == {
        "id": None,
        "sale_id": None,
        "position": 0,
        "payment_type": None,
        "amount": Decimal(1),
    }
