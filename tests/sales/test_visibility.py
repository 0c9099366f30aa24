"""A seller never sees a buy price, a cost or the director's profit: every sales, returns,
commissions and discounts answer a seller can get, scanned key by key."""

from __future__ import annotations

from decimal import Decimal

from carpet_shop.catalog.models import ProductType
from tests.factories import auth_headers
from tests.shop import Shop, find_secret_keys


def test_no_secret_key_in_any_answer_to_a_seller(shop: Shop):
    seller = shop.factory.seller(shop.branch, commission_rate=Decimal("3"))
    headers = auth_headers(shop.client, seller)
    carpet = shop.factory.product(shop.branch, stock=3, buy_price=100_000, sell_price=150_000)
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock=5, buy_price=50_000, sell_price=80_000
    )
    shop.factory.discount(value=5)
    client = shop.client
    answers = []

    def keep(response):
        answers.append(response)
        return response

    receipt = {
        "items": [
            {"product_id": str(carpet.id), "quantity": 1, "amount": 160_000},
            {"product_id": str(roll.id), "quantity": 1.5, "amount": 120_000},
        ],
        "payments": [
            {"payment_type": "cash", "amount": 200_000},
            {"payment_type": "card", "amount": 80_000},
        ],
    }
    key = {"Idempotency-Key": "scan-1"}
    sale = keep(client.post("/api/sales", json=receipt, headers={**headers, **key})).json()["data"]
    keep(client.post("/api/sales", json=receipt, headers={**headers, **key}))  # replay
    one = {"product_id": str(carpet.id), "quantity": 1, "amount": 150_000, "payment_type": "cash"}
    keep(client.post("/api/sales", json=one, headers=headers))
    keep(client.post("/api/sales", json={**one, "amount": 1}, headers=headers))  # below cost
    keep(
        client.post("/api/sales", json={**one, "quantity": 9, "amount": 1_350_000}, headers=headers)
    )  # short
    keep(client.get("/api/sales", headers=headers))
    keep(client.get("/api/sales", params={"period": "today"}, headers=headers))
    keep(client.get(f"/api/sales/{sale['id']}", headers=headers))
    ret = keep(
        client.post(
            "/api/returns",
            json={
                "sale_id": sale["id"],
                "items": [{"sale_item_id": sale["items"][1]["id"], "quantity": 0.5}],
                "reason": "WRONG_SIZE",
            },
            headers=headers,
        )
    ).json()["data"]
    client.put(f"/api/returns/{ret['id']}/approve", headers=shop.admin_h)
    keep(client.get("/api/returns", headers=headers))
    keep(client.get(f"/api/returns/{ret['id']}", headers=headers))
    keep(client.get(f"/api/sales/{sale['id']}", headers=headers))
    keep(client.get("/api/commissions/my", headers=headers))
    keep(client.get("/api/discounts", headers=headers))

    statuses = [r.status_code for r in answers]
    assert statuses == [201, 201, 201, 422, 409, 200, 200, 200, 201, 200, 200, 200, 200, 200]
    for response in answers:
        assert find_secret_keys(response.json()) == [], response.request.url
        # Nor the buy prices themselves, as numbers anywhere in the text.
        assert "100000" not in response.text.replace("1000000", "")

    # The scan finds them where they belong: in the director's answers.
    admin = client.get(f"/api/sales/{sale['id']}", headers=shop.admin_h).json()
    assert {"$.data.cost", "$.data.director_profit", "$.data.items[0].buy_price"} <= set(
        find_secret_keys(admin)
    )
