"""Dashboard widgets: today's sales, low stock, transfers, top products, recent activity."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.core.actor import Actor
from tests.analytics.shop import local, money
from tests.factories import META, auth_headers


def _widgets(client, headers, **params):
    response = client.get("/api/dashboard/widgets", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_widgets_for_the_director_and_for_a_seller(client, factory):
    chilonzor, sergeli = factory.branch(), factory.branch()
    seller = factory.seller(branch=chilonzor)
    other = factory.seller(branch=sergeli)
    rug = factory.product(chilonzor, stock=2, sell_price=Decimal("1000.00"))
    factory.product(chilonzor, stock=9, low_stock_threshold=Decimal("10"))  # own threshold
    factory.product(chilonzor, stock=50)
    factory.product(
        chilonzor,
        category=Category.METRAJLAR,
        type=ProductType.METER,
        stock=Decimal("2.50"),  # metres, under the default of 3
    )
    far = factory.product(sergeli, stock=1, sell_price=Decimal("300.00"))
    factory.receipt(seller, [(rug, 1, "1100.00")], date=local(date(2026, 3, 10), 9))
    factory.receipt(seller, [(rug, 1, "1000.00")], date=local(date(2026, 3, 9), 9))
    factory.receipt(other, [(far, 1, "300.00")], date=local(date(2026, 3, 10), 8))

    admin = _widgets(client, auth_headers(client, factory.admin()))
    assert money(admin["total_sales_today"]) == Decimal("1400.00")
    assert admin["sales_count_today"] == 2
    assert admin["low_stock_count"] == 4
    assert admin["pending_transfers"] == 0
    top = admin["top_selling_products"]
    assert [p["product_id"] for p in top] == [str(rug.id), str(far.id)]
    assert money(top[0]["revenue"]) == Decimal("2100.00")
    assert "director_profit" in top[0]

    mine = _widgets(client, auth_headers(client, seller))
    assert money(mine["total_sales_today"]) == Decimal("1100.00")
    assert mine["low_stock_count"] == 3
    assert [p["product_id"] for p in mine["top_selling_products"]] == [str(rug.id)]
    assert "director_profit" not in mine["top_selling_products"][0]

    only_sergeli = _widgets(
        client, auth_headers(client, factory.admin()), branch_id=str(sergeli.id)
    )
    assert money(only_sergeli["total_sales_today"]) == Decimal("300.00")


def test_recent_activity_of_a_seller_is_their_branchs(client, factory, db, clock):
    chilonzor, sergeli = factory.branch(), factory.branch()
    seller = factory.seller(branch=chilonzor)
    colleague = factory.seller(branch=chilonzor)
    stranger = factory.seller(branch=sergeli)
    with db.transaction() as session:
        for user in (seller, colleague, stranger):
            audit.log(
                session,
                Actor(user=user, meta=META),
                clock,
                AuditAction.CREATE,
                "sale",
                uuid.uuid4(),
                {"buy_price": {"old": None, "new": "100"}},
            )
    for user in (seller, stranger):
        auth_headers(client, user)  # logins are not business activity

    admin_view = _widgets(client, auth_headers(client, factory.admin()))["recent_activities"]
    assert all(a["action"] not in ("LOGIN", "LOGOUT") for a in admin_view)
    # The admin made the branches and users; the three sellers one "sale" each.
    assert {a["user_id"] for a in admin_view if a["entity_type"] == "sale"} == {
        str(u.id) for u in (seller, colleague, stranger)
    }
    assert {a["entity_type"] for a in admin_view} == {"branch", "user", "sale"}

    seller_view = _widgets(client, auth_headers(client, seller))["recent_activities"]
    assert {a["user_id"] for a in seller_view} == {str(seller.id), str(colleague.id)}
    assert all(a["entity_type"] == "sale" and "changes" not in a for a in seller_view)


def test_the_dashboard_counts_overdue_and_outstanding_debts_per_branch(client, factory):
    chilonzor, sergeli = factory.branch(), factory.branch()
    seller = factory.seller(branch=chilonzor)
    late = factory.debt(branch=chilonzor, total=1000, deadline=-3)  # overdue since 3 days
    factory.payment(late, 400)
    factory.debt(branch=chilonzor, total=500, deadline=10)
    factory.debt(branch=sergeli, total=700, deadline=-1)

    def widgets(user):
        response = client.get("/api/dashboard/widgets", headers=auth_headers(client, user))
        assert response.status_code == 200, response.text
        return response.json()["data"]

    mine = widgets(seller)
    assert mine["overdue_debts_count"] == 1
    assert money(mine["overdue_debts_amount"]) == Decimal("600")
    assert mine["outstanding_debts_count"] == 2
    assert money(mine["outstanding_debts_amount"]) == Decimal("1100")

    shop = widgets(factory.admin())
    assert shop["overdue_debts_count"] == 2
    assert money(shop["overdue_debts_amount"]) == Decimal("1300")
    assert money(shop["outstanding_debts_amount"]) == Decimal("1800")
