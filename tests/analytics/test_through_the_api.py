"""Sales and returns made through the API reach the analytics (the rollups are kept by them)."""

from __future__ import annotations

from decimal import Decimal

from tests.analytics.shop import money
from tests.factories import auth_headers


def test_a_sale_and_its_approved_return_show_in_the_month(client, factory):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    rug = factory.product(branch, buy_price=1000, sell_price=1300, stock=5)
    seller_headers = auth_headers(client, seller)
    admin_headers = auth_headers(client, factory.admin())

    sold = client.post(
        "/api/sales",
        json={"product_id": str(rug.id), "quantity": 2, "amount": 2800, "payment_type": "cash"},
        headers=seller_headers,
    )
    assert sold.status_code == 201, sold.text
    sale = sold.json()["data"]

    def month() -> dict:
        response = client.get(
            "/api/sales/analytics",
            params={"period": "month", "branch_id": str(branch.id)},
            headers=admin_headers,
        )
        assert response.status_code == 200, response.text
        totals: dict = response.json()["data"]["totals"]
        return totals

    totals = month()
    assert totals["sale_count"] == 1
    assert money(totals["revenue"]) == Decimal("2800")
    assert money(totals["extra_profit"]) == Decimal("200")  # 2 × (1,400 − 1,300)
    assert money(totals["director_profit"]) == Decimal("600")  # 2 × (1,300 − 1,000)

    asked = client.post(
        "/api/returns",
        json={
            "sale_id": sale["id"],
            "items": [{"sale_item_id": sale["items"][0]["id"], "quantity": 1}],
            "reason": "WRONG_SIZE",
            "refund_amount": 1400,
        },
        headers=seller_headers,
    )
    assert asked.status_code == 201, asked.text
    approved = client.put(
        f"/api/returns/{asked.json()['data']['id']}/approve", headers=admin_headers
    )
    assert approved.status_code == 200, approved.text

    totals = month()
    assert money(totals["revenue"]) == Decimal("1400")
    assert money(totals["refunded"]) == Decimal("1400")
    assert money(totals["extra_profit"]) == Decimal("100")
    assert money(totals["director_profit"]) == Decimal("300")
