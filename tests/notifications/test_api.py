"""The caller's own notifications over HTTP: list, filters, unread, read, delete, settings."""

from __future__ import annotations

from tests.factories import assert_error, assert_ok
from tests.notifications.helpers import notes, sell


def _two_alerts(client, factory, shop):
    """Two LOW_STOCK notifications for seller A and the director (two products crossing)."""
    for name in ("Birinchi", "Ikkinchi"):
        product = factory.product(shop.branch_a, stock=3, name=name)
        assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)


def test_list_newest_first_with_unread_and_filters(client, factory, shop):
    _two_alerts(client, factory, shop)
    response = client.get("/api/notifications", headers=shop.as_a)
    body = response.json()
    assert body["meta"] == {"page": 1, "page_size": 50, "total": 2, "unread": 2}
    first, second = body["data"]
    assert first["message"].startswith("Ikkinchi") and second["message"].startswith("Birinchi")
    assert set(first) == {
        "id",
        "type",
        "title",
        "message",
        "is_read",
        "branch_id",
        "related_entity_type",
        "related_entity_id",
        "data",
        "created_at",
    }
    assert notes(client, shop.as_a, type="OUT_OF_STOCK") == []
    assert len(notes(client, shop.as_a, is_read=False)) == 2

    read = assert_ok(client.put(f"/api/notifications/{second['id']}/read", headers=shop.as_a))
    assert read["is_read"] is True
    body = client.get("/api/notifications", headers=shop.as_a, params={"is_read": True}).json()
    assert [n["id"] for n in body["data"]] == [second["id"]]
    assert body["meta"]["unread"] == 1
    count = assert_ok(client.get("/api/notifications/unread-count", headers=shop.as_a))
    assert count == {"unread": 1}
    # The director's copies are untouched by the seller's reading.
    assert len(notes(client, shop.as_admin, is_read=False)) == 2


def test_read_all_and_delete(client, factory, shop):
    _two_alerts(client, factory, shop)
    done = assert_ok(client.put("/api/notifications/read-all", headers=shop.as_a))
    assert done == {"marked": 2}
    assert notes(client, shop.as_a, is_read=False) == []
    victim = notes(client, shop.as_a)[0]
    assert_ok(client.delete(f"/api/notifications/{victim['id']}", headers=shop.as_a))
    assert [n["id"] for n in notes(client, shop.as_a)] != [] and victim["id"] not in [
        n["id"] for n in notes(client, shop.as_a)
    ]
    missing = f"/api/notifications/{victim['id']}"
    assert_error(client.delete(missing, headers=shop.as_a), 404, "NOT_FOUND")


def test_another_users_notification_is_not_found(client, factory, shop):
    _two_alerts(client, factory, shop)
    theirs = notes(client, shop.as_admin)[0]
    assert_error(
        client.put(f"/api/notifications/{theirs['id']}/read", headers=shop.as_a), 404, "NOT_FOUND"
    )
    assert_error(
        client.delete(f"/api/notifications/{theirs['id']}", headers=shop.as_b), 404, "NOT_FOUND"
    )
    assert notes(client, shop.as_admin, is_read=False)[0]["id"] == theirs["id"]


def test_signed_out_callers_get_401(client):
    assert_error(client.get("/api/notifications"), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/notifications/stream"), 401, "UNAUTHORIZED")
    bad = {"token": "not-a-token"}
    assert_error(client.get("/api/notifications/stream", params=bad), 401, "UNAUTHORIZED")


def test_the_stream_is_documented_though_it_is_a_plain_route(client):
    """The stream holds no session, so it is a plain route (core.sessions); the OpenAPI
    document still describes it, with the token and Last-Event-ID it reads."""
    operation = client.get("/openapi.json").json()["paths"]["/api/notifications/stream"]["get"]
    assert "text/event-stream" in operation["responses"]["200"]["content"]
    assert {"401", "500"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} == {"token", "Last-Event-ID"}


def test_settings_choose_types_and_language(client, factory, shop):
    settings = assert_ok(client.get("/api/notifications/settings", headers=shop.as_a))
    assert settings["language"] == "uz" and "LOW_STOCK" in settings["in_app_types"]
    assert settings["telegram_linked"] is False
    saved = assert_ok(
        client.put(
            "/api/notifications/settings",
            headers=shop.as_a,
            json={"in_app_types": ["OUT_OF_STOCK"], "language": "ru"},
        )
    )
    assert saved["in_app_types"] == ["OUT_OF_STOCK"] and saved["language"] == "ru"
    product = factory.product(shop.branch_a, stock=3, name="Ковёр")
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)  # LOW_STOCK: not wanted
    assert notes(client, shop.as_a) == []
    assert_ok(sell(client, shop.as_a, product, 2, 300_000), 201)  # OUT_OF_STOCK, in Russian
    [out] = notes(client, shop.as_a)
    assert out["title"] == "Товар закончился" and out["message"] == "Ковёр: нет в наличии"
    # The director's choice is their own: still Uzbek, both types.
    assert [n["type"] for n in notes(client, shop.as_admin)] == ["OUT_OF_STOCK", "LOW_STOCK"]
    bad = {"in_app_types": ["EXPIRED"]}
    assert_error(
        client.put("/api/notifications/settings", headers=shop.as_a, json=bad),
        422,
        "VALIDATION_ERROR",
    )


def test_shop_settings_are_the_directors(client, shop):
    assert_error(
        client.get("/api/notifications/shop-settings", headers=shop.as_a), 403, "FORBIDDEN"
    )
    assert_error(
        client.put(
            "/api/notifications/shop-settings", headers=shop.as_a, json={"debt_due_soon_days": 1}
        ),
        403,
        "FORBIDDEN",
    )
    current = assert_ok(client.get("/api/notifications/shop-settings", headers=shop.as_admin))
    assert current == {
        "large_sale_threshold": 10_000_000,
        "debt_due_soon_days": 3,
        "customer_reminders": True,
    }
    changed = assert_ok(
        client.put(
            "/api/notifications/shop-settings",
            headers=shop.as_admin,
            json={"debt_due_soon_days": 5, "customer_reminders": False},
        )
    )
    assert changed == {
        "large_sale_threshold": 10_000_000,
        "debt_due_soon_days": 5,
        "customer_reminders": False,
    }
    trail = assert_ok(
        client.get(
            "/api/audit-logs",
            headers=shop.as_admin,
            params={"entity_type": "shop_notification_settings"},
        )
    )
    assert [entry["changes"] for entry in trail] == [
        {
            "customer_reminders": {"old": True, "new": False},
            "debt_due_soon_days": {"old": 3, "new": 5},
        }
    ]
