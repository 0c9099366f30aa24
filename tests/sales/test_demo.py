"""The demo sales: a dozen receipts over the last days, made once."""

from __future__ import annotations

from sqlalchemy import select

from carpet_shop.catalog.models import ProductType
from carpet_shop.debts.models import Debt
from carpet_shop.demo import seed_foundation
from carpet_shop.sales.demo import seed_sales
from carpet_shop.sales.models import Sale
from tests.factories import LOW_STOCK, SHOP_TZ


def test_demo_sales_are_made_once(factory, db, clock):
    with db.transaction() as session:
        foundation = seed_foundation(session, clock, factory.policy)
    products = []
    for branch in foundation.branches.values():
        products.append(factory.product(branch, stock=5, buy_price=300_000, sell_price=450_000))
        products.append(
            factory.product(
                branch, type=ProductType.METER, stock=40, buy_price=60_000, sell_price=95_000
            )
        )
    with db.transaction() as session:
        assert seed_sales(session, clock, foundation, products, SHOP_TZ, LOW_STOCK) >= 10
    with db.transaction() as session:
        assert seed_sales(session, clock, foundation, products, SHOP_TZ, LOW_STOCK) == 0
        sales = session.scalars(select(Sale)).all()
    assert len(sales) >= 10
    assert {s.seller_id for s in sales} >= {u.id for u in foundation.sellers.values()}
    assert all(s.date <= clock.now() for s in sales)
    assert len({s.date.date() for s in sales}) >= 7
    # One of them is on credit: its debt is the customer's, from the registry.
    with db.transaction(write=False) as session:
        [debt] = session.scalars(select(Debt)).all()
        credit = session.get(Sale, debt.sale_id)
        assert credit is not None and credit.customer_id == debt.customer_id
        assert debt.customer.phone == "+998971112233"
        assert debt.total_amount < credit.amount
