"""`carpet-shop demo-data` runs, and the analytics over what it made equal brute-force sums."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from typer.testing import CliRunner

from carpet_shop import cli
from carpet_shop.analytics.service import rebuild
from carpet_shop.catalog.models import Product, ProductSize, ProductType, stock_of
from carpet_shop.catalog.sizes import area_price
from carpet_shop.catalog.text import format_metres
from carpet_shop.sales.models import ReceiptCounter, Sale, SaleItem, SalePayment
from tests.analytics.shop import kept_share, money, shop_day
from tests.analytics.test_rollups import rollup_rows
from tests.factories import login


def test_demo_data_and_its_analytics(client, db, settings, clock, monkeypatch):
    # The command works on the real date; the service is told the same.
    clock.current = datetime.now(UTC)
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    result = CliRunner().invoke(cli.app, ["demo-data", "--sales", "2000", "--days", "60"])
    assert result.exit_code == 0, result.output
    assert "Added 2000 sales" in result.output

    with db.transaction(write=False) as session:
        sales = {s.id: s for s in session.scalars(select(Sale))}
        items = session.scalars(select(SaleItem)).all()
        payments = session.scalars(select(SalePayment)).all()
        counters = {c.branch_id: c.last_number for c in session.scalars(select(ReceiptCounter))}
        per_branch = dict(
            session.execute(select(Sale.branch_id, func.count()).group_by(Sale.branch_id)).all()
        )
    assert len(sales) == 2000
    # The generator's rollups are the ones the receipts give.
    generated = rollup_rows(db)
    with db.transaction() as session:
        rebuild(session, settings.tz)
    assert rollup_rows(db) == generated
    assert counters == per_branch  # receipts numbered 1…n in each branch
    # Each sale sums its items and is paid in full.
    by_sale: dict[object, list[SaleItem]] = defaultdict(list)
    for item in items:
        by_sale[item.sale_id].append(item)
    paid: dict[object, Decimal] = defaultdict(Decimal)
    for payment in payments:
        paid[payment.sale_id] += payment.amount
    for sale_id, sale in sales.items():
        assert sale.amount == sum(i.amount for i in by_sale[sale_id]) == paid[sale_id]
        for item in by_sale[sale_id]:
            standard = (item.standard_price * item.quantity).quantize(Decimal("0.01"))
            assert item.extra_profit == item.amount - standard
            assert item.buy_price <= item.standard_price

    headers = {"Authorization": f"Bearer {login(client, 'admin', 'admin123')['access_token']}"}
    days = sorted({shop_day(s.date) for s in sales.values()})
    cases = [
        ({}, lambda s: True),
        ({"period": "month"}, lambda s: shop_day(s.date) >= days[-1].replace(day=1)),
        (
            {"date_from": days[10].isoformat(), "date_to": days[20].isoformat()},
            lambda s: days[10] <= shop_day(s.date) <= days[20],
        ),
    ]
    for params, chosen in cases:
        data = client.get("/api/sales/analytics", params=params, headers=headers).json()["data"]
        picked = [i for i in items if chosen(sales[i.sale_id])]
        totals = data["totals"]
        assert totals["sale_count"] == len({i.sale_id for i in picked})
        assert totals["item_count"] == len(picked)
        assert money(totals["revenue"]) == sum(i.amount - i.refunded_amount for i in picked)
        assert money(totals["extra_profit"]) == sum(
            kept_share(i.extra_profit, i.quantity, i.returned_quantity) for i in picked
        )
        assert money(totals["director_profit"]) == sum(
            kept_share(i.director_profit, i.quantity, i.returned_quantity) for i in picked
        )
        assert len(data["by_branch"]) == 3
        # Every line named a size: the analytics by size add up to the lines (the top 50).
        by_size = client.get(
            "/api/sales/analytics", params={**params, "top": 50}, headers=headers
        ).json()["data"]["top_sizes"]
        assert sum(money(s["revenue"]) for s in by_size) == sum(
            i.amount - i.refunded_amount for i in picked
        )

    # Sizes are stock, realistically: designs in several sizes priced per m², rolls 2, 3 and
    # 4 m wide; each line names a size of its product at that size's price, a cut its piece.
    with db.transaction(write=False) as session:
        products = {p.id: p for p in session.scalars(select(Product))}
        sizes = {(r.product_id, r.size): r for r in session.scalars(select(ProductSize))}
    unit = [p for p in products.values() if p.type == ProductType.UNIT and p.sell_price_per_m2]
    assert unit and all(len(p.available_sizes) >= 2 for p in unit)
    rolls = [r for r in sizes.values() if products[r.product_id].type == ProductType.METER]
    assert {r.width for r in rolls} == {2, 3, 4}
    assert all(p.stock == sum(
        stock_of(p.type, r.quantity, r.remaining_length)
        for (pid, _s), r in sizes.items() if pid == p.id
    ) for p in products.values())  # fmt: skip
    for item in items:
        product = products[item.product_id]
        row = sizes[(item.product_id, item.size)]
        if product.type == ProductType.METER:
            assert item.cut_size == f"{format_metres(row.width)}×{format_metres(item.quantity)}"
        else:
            assert item.cut_size is None
            price = row.sell_price or area_price(
                product.sell_price_per_m2, row.width, row.height, product.price_step
            )
            assert item.standard_price == price
