"""Analytics never fail on stored data, whatever its dates: sales written before dates were
bounded (year 1) are counted, not a 500 for the director and the branch's sellers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carpet_shop.core.actor import Actor
from carpet_shop.sales import service as sales_service
from carpet_shop.sales.schemas import SaleCreate
from tests.factories import LOW_STOCK, META, assert_ok
from tests.shop import Shop, make_shop

# The API took these before (a sale cannot be dated in the future, so year 1 is the edge).
EXTREMES = [datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 22, tzinfo=UTC)]


@pytest.fixture
def shop(factory, client) -> Shop:
    return make_shop(factory, client)


def _store_sale_at(shop: Shop, product, when: datetime) -> None:
    """What the API accepted before: a sale at `when` (the service takes the body as read)."""
    body = SaleCreate.model_validate(
        {"product_id": str(product.id), "quantity": 1, "amount": 150000, "payment_type": "cash"}
    ).model_copy(update={"date": when})
    with shop.db.transaction() as session:
        sales_service.create_sale(
            session,
            Actor(user=shop.admin, meta=META),
            shop.factory.clock,
            body,
            tz=shop.factory.tz,
            low_stock=LOW_STOCK,
        )


READS = [
    ("/api/sales/analytics", {}, "both"),
    ("/api/sales/analytics", {"period": "month"}, "both"),
    ("/api/sales/analytics", {"date_from": "2000-01-01"}, "both"),
    ("/api/sales/profit", {}, "admin"),
    ("/api/sales/profit", {"group_by": "week"}, "admin"),
    ("/api/sales/profit", {"group_by": "month"}, "admin"),
    ("/api/sales", {}, "both"),
    ("/api/commissions", {}, "admin"),
    ("/api/commissions/my", {}, "seller"),
    ("/api/dashboard/widgets", {}, "both"),
    ("/api/audit-logs", {}, "admin"),
]


@pytest.mark.parametrize("when", EXTREMES, ids=["midnight", "late-evening"])
def test_reports_answer_with_sales_stored_at_extreme_dates(shop: Shop, when):
    product = shop.factory.product(shop.branch)
    _store_sale_at(shop, product, when)
    sales = assert_ok(shop.client.get("/api/sales", headers=shop.admin_h))
    assert len(sales) == 1
    assert_ok(shop.client.get(f"/api/sales/{sales[0]['id']}", headers=shop.seller_h))
    for url, params, who in READS:
        for headers in (
            [shop.admin_h, shop.seller_h]
            if who == "both"
            else [shop.admin_h if who == "admin" else shop.seller_h]
        ):
            response = shop.client.get(url, params=params, headers=headers)
            assert response.status_code == 200, (url, params, response.text)
    analytics = assert_ok(shop.client.get("/api/sales/analytics", headers=shop.admin_h))
    assert analytics["totals"]["sale_count"] == 1
