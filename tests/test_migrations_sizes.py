"""The migration to stock per size, on a database in the old layout (made by the revision
before it, rows written as that layout had them), on SQLite and PostgreSQL: no piece is lost,
each size's stock and the ledger per (product, size) agree, products whose stock was put on
one of several sizes ask for a count, and the step goes back down and up again."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, text

from carpet_shop.core import migrations
from carpet_shop.core.database import make_engine
from tests.test_migrations import empty_database  # noqa: F401

BEFORE = "f35e230ca7d2"  # the revision before sizes are stock (main's head before it)
NOW = datetime(2026, 12, 1, 9, 0)  # noqa: DTZ001 (stored as UTC, the columns' way)


def _id() -> str:
    return uuid.uuid4().hex


class OldShop:
    """Rows in the old layout: written through the old tables as reflected, no model code."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.meta = MetaData()
        self.meta.reflect(engine)
        self.ids: dict[str, str] = {}

    def add(self, table: str, **row: Any) -> str:
        columns = self.meta.tables[table].c
        for name, value in (("id", _id()), ("created_at", NOW), ("updated_at", NOW)):
            if name in columns:
                row.setdefault(name, value)
        with self.engine.begin() as conn:
            conn.execute(self.meta.tables[table].insert().values(**row))
        return str(row.get("id", ""))

    def product(
        self, name: str, branch: str, sizes: list[str], *, pieces: int = 0, roll: int = 0
    ) -> str:
        meter = roll > 0
        product = self.add(
            "products",
            name=name,
            search_name=name.lower(),
            category="Metrajlar" if meter else "Gilamlar",
            collection_id=self.ids["collection"],
            type="meter" if meter else "unit",
            buy_price=100_000_00,
            sell_price=150_000_00,
            sell_price_per_meter=150_000_00 if meter else None,
            quantity=pieces,
            total_length=roll if meter else None,
            remaining_length=roll if meter else None,
            available_sizes=sizes,
            branch_id=branch,
        )
        for size in sizes:
            width, height = size.split("×")
            self.add(
                "product_sizes",
                product_id=product,
                size=size,
                width=int(width) * 100,
                height=int(height) * 100,
            )
        return product

    def move(self, product: str, branch: str, kind: str, delta: int, balance: int) -> None:
        self.add(
            "stock_movements",
            product_id=product,
            branch_id=branch,
            kind=kind,
            delta=delta,
            balance_after=balance,
            user_id=self.ids["admin"],
            created_at=NOW,
        )

    def sale(
        self, branch: str, product: str, quantity: int, amount: int, n: int
    ) -> tuple[str, str]:
        sale = self.add(
            "sales",
            receipt_number=f"R-{n}",
            branch_id=branch,
            seller_id=self.ids["admin"],
            date=NOW,
            created_at=NOW,
            amount=amount,
            profit=0,
            director_profit=0,
            cost=0,
            refunded_amount=0,
        )
        item = self.add(
            "sale_items",
            sale_id=sale,
            position=0,
            product_id=product,
            quantity=quantity,
            amount=amount,
            list_price=amount,
            standard_price=amount,
            buy_price=amount // 2,
            discount_amount=0,
            extra_profit=0,
            director_profit=0,
            returned_quantity=0,
            refunded_amount=0,
        )
        return sale, item


def _old_shop(url: str) -> dict[str, str]:
    """A one-size carpet, a several-size carpet with a sale, a return and a transfer (its
    target several-size too), an unsold several-size carpet, and a roll with a cut. Stock and
    movement deltas in the stored units: pieces as integers, deltas and metres in hundredths."""
    engine = make_engine(url)
    try:
        shop = OldShop(engine)
        a = shop.add("branches", name="Chilonzor", code="CH")
        b = shop.add("branches", name="Sergeli", code="SE")
        shop.ids["admin"] = shop.add(
            "users",
            username="admin",
            full_name="Director",
            password_hash="x",
            role="admin",
            can_add_products=True,
            is_active=True,
            failed_login_count=0,
        )
        shop.ids["collection"] = shop.add("collections", name="Lara")

        one = shop.product("Lara oq", a, ["2×3"], pieces=3)
        shop.move(one, a, "initial", 500, 500)
        shop.sale(a, one, 200, 300_000_00, 1)
        shop.move(one, a, "sale", -200, 300)

        # Several sizes, listed 3×4 first: the whole stock goes on 3×4.
        several = shop.product("Lara bej", a, ["3×4", "2×3"], pieces=6)
        shop.move(several, a, "initial", 1000, 1000)
        sale, item = shop.sale(a, several, 300, 540_000_00, 2)
        shop.move(several, a, "sale", -300, 700)
        returned = shop.add(
            "returns",
            sale_id=sale,
            branch_id=a,
            status="APPROVED",
            reason="DEFECTIVE",
            refund_amount=180_000_00,
            created_by_id=shop.ids["admin"],
            approved_by_id=shop.ids["admin"],
            decided_at=NOW,
            debt_reduced=0,
            cash_refund=180_000_00,
        )
        shop.add(
            "return_items",
            return_id=returned,
            position=0,
            sale_item_id=item,
            product_id=several,
            quantity=100,
            refund_amount=180_000_00,
        )
        shop.move(several, a, "return", 100, 800)
        target = shop.product("Lara bej", b, ["3×4", "2×3"], pieces=2)
        shop.add(
            "transfers",
            product_id=several,
            from_branch_id=a,
            to_branch_id=b,
            quantity=200,
            status="completed",
            target_product_id=target,
            created_by_id=shop.ids["admin"],
            created_at=NOW,
            received_by_id=shop.ids["admin"],
            received_at=NOW,
        )
        shop.move(several, a, "transfer_out", -200, 600)
        shop.move(target, b, "transfer_in", 200, 200)

        empty = shop.product("Lara kok", a, ["2×3", "3×4"], pieces=0)

        roll = shop.product("Lara metraj", a, ["3×20"], roll=20_00)
        shop.move(roll, a, "initial", 20_00, 20_00)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE products SET remaining_length = 1750 WHERE name = 'Lara metraj'")
            )
        shop.sale(a, roll, 2_50, 625_000_00, 3)
        shop.move(roll, a, "sale", -2_50, 17_50)
        return {"one": one, "several": several, "target": target, "empty": empty, "roll": roll}
    finally:
        engine.dispose()


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _key(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


@pytest.fixture
def old_layout(empty_database: str) -> tuple[str, dict[str, str]]:  # noqa: F811
    migrations.upgrade(empty_database, BEFORE)
    return empty_database, _old_shop(empty_database)


def test_stock_moves_onto_sizes_without_losing_a_piece_and_goes_back(old_layout):
    url, ids = old_layout
    names = {value: name for name, value in ids.items()}
    migrations.upgrade(url)

    sizes = {
        (names[_key(p)], size): (quantity, remaining)
        for p, size, quantity, remaining in _rows(
            url, "SELECT product_id, size, quantity, remaining_length FROM product_sizes"
        )
    }
    assert sizes == {
        ("one", "2×3"): (3, None),
        ("several", "3×4"): (6, None),
        ("several", "2×3"): (0, None),
        ("target", "3×4"): (2, None),
        ("target", "2×3"): (0, None),
        ("empty", "2×3"): (0, None),
        ("empty", "3×4"): (0, None),
        ("roll", "3×20"): (0, 17_50),  # hundredths, like the product's own column
    }

    # The ledger per (product, size) sums to that size's stock (deltas in hundredths).
    ledger = {
        (names[_key(p)], size): total
        for p, size, total in _rows(
            url,
            "SELECT product_id, size, SUM(delta) FROM stock_movements GROUP BY product_id, size",
        )
    }
    for (name, size), (quantity, remaining) in sizes.items():
        stock = remaining if remaining is not None else quantity * 100
        assert ledger.get((name, size), 0) == stock, (name, size)
    assert None not in {size for _, size in ledger}

    # Per product too: the product's own columns still hold the sum of its sizes.
    products = {
        names[_key(p)]: (quantity, remaining, bool(needs))
        for p, quantity, remaining, needs in _rows(
            url, "SELECT id, quantity, remaining_length, needs_count FROM products"
        )
    }
    assert products == {
        "one": (3, None, False),
        "several": (6, None, True),
        "target": (2, None, True),
        "empty": (0, None, False),
        "roll": (0, 17_50, False),
    }

    # Every document of the product names the size its stock was put on.
    assert _rows(url, "SELECT size FROM return_items") == [("3×4",)]
    assert _rows(url, "SELECT size FROM transfers") == [("3×4",)]
    assert sorted(_rows(url, "SELECT size FROM sale_items")) == [("2×3",), ("3×20",), ("3×4",)]

    migrations.downgrade(url, BEFORE)
    back = {
        names[_key(p)]: (quantity, remaining)
        for p, quantity, remaining in _rows(
            url, "SELECT id, quantity, remaining_length FROM products"
        )
    }
    assert back == {name: row[:2] for name, row in products.items()}
    counts = (
        "SELECT (SELECT count(*) FROM stock_movements), (SELECT count(*) FROM sale_items),"
        " (SELECT count(*) FROM return_items), (SELECT count(*) FROM transfers),"
        " (SELECT count(*) FROM product_sizes)"
    )
    assert _rows(url, counts) == [(9, 3, 1, 1, 8)]

    # And up again: the downgrade left nothing in the way.
    migrations.upgrade(url)
    assert _rows(url, "SELECT count(*) FROM products WHERE needs_count = true") == [(2,)]
