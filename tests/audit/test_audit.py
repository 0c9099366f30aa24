"""The audit trail: written with the change it describes, never for a change that failed."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import PASSWORD, assert_error, assert_ok, auth_headers, login


def _entries(client, headers, **params):
    response = client.get("/api/audit-logs", params=params, headers=headers)
    return assert_ok(response), response.json()["meta"]


def test_a_branch_rename_is_logged_with_old_and_new_values(client, factory):
    admin = factory.admin()
    branch = factory.branch("Sergeli filiali", address="Old street")
    director = auth_headers(client, admin)
    assert_ok(
        client.put(
            f"/api/branches/{branch.id}",
            json={"name": "Sergeli", "address": "Old street"},
            headers={**director, "User-Agent": "carpet-app/1.0"},
        )
    )
    entries, meta = _entries(
        client, director, entity_type="branch", entity_id=str(branch.id), action="UPDATE"
    )
    assert meta["total"] == 1
    entry = entries[0]
    assert entry["user_id"] == str(admin.id)
    assert entry["changes"] == {"name": {"old": "Sergeli filiali", "new": "Sergeli"}}
    assert entry["user_agent"] == "carpet-app/1.0"
    assert entry["ip_address"]
    assert entry["timestamp"].startswith("2026-03-10T05:00:00")


def test_create_and_delete_are_logged(client, factory, clock):
    director = auth_headers(client, factory.admin())
    created = assert_ok(
        client.post("/api/branches", json={"name": "Olmazor", "code": "OL"}, headers=director), 201
    )
    clock.advance(timedelta(seconds=1))
    assert_ok(client.delete(f"/api/branches/{created['id']}", headers=director))
    entries, _ = _entries(client, director, entity_id=created["id"])
    assert [e["action"] for e in entries] == ["DELETE", "CREATE"]
    assert entries[1]["changes"]["name"] == {"old": None, "new": "Olmazor"}
    assert entries[0]["changes"]["deleted_at"]["old"] is None


def test_user_changes_never_copy_the_password(client, factory):
    seller = factory.seller()
    director = auth_headers(client, factory.admin())
    assert_ok(
        client.put(
            f"/api/users/{seller.id}",
            json={"password": "another-pass", "can_add_products": True},
            headers=director,
        )
    )
    entries, _ = _entries(client, director, entity_id=str(seller.id), action="UPDATE")
    changes = entries[0]["changes"]
    assert changes["can_add_products"] == {"old": False, "new": True}
    assert changes["password_hash"] == {"old": "***", "new": "***"}
    response = client.get("/api/audit-logs", headers=director)
    assert "another-pass" not in response.text and "argon2" not in response.text


def test_login_success_failure_and_logout_are_logged(client, factory):
    seller = factory.seller()
    director = auth_headers(client, factory.admin())
    client.post("/api/auth/login", json={"username": seller.username, "password": "wrong-one"})
    client.post("/api/auth/login", json={"username": "nobody", "password": "wrong-one"})
    tokens = login(client, seller.username)
    assert_ok(client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]}))

    logins, _ = _entries(client, director, action="LOGIN", entity_id=str(seller.id))
    outcomes = sorted(e["changes"]["success"] for e in logins)
    assert outcomes == [False, True]
    unknown, _ = _entries(client, director, action="LOGIN", entity_type="user")
    assert any(e["changes"].get("username") == "nobody" and e["user_id"] is None for e in unknown)
    logouts, _ = _entries(client, director, action="LOGOUT", user_id=str(seller.id))
    assert len(logouts) == 1
    assert logouts[0]["changes"]["session_id"] == tokens["session_id"]


def test_failed_actions_leave_no_entry(client, factory):
    factory.branch("Sergeli filiali")
    busy = factory.branch("Chilonzor filiali")
    factory.seller(branch=busy)
    director = auth_headers(client, factory.admin())
    seller = auth_headers(client, factory.seller())
    before, _ = _entries(client, director, page_size=200)

    assert_error(
        client.post("/api/branches", json={"name": "Sergeli filiali"}, headers=director),
        409,
        "CONFLICT",
    )
    assert_error(client.delete(f"/api/branches/{busy.id}", headers=director), 409, "CONFLICT")
    assert_error(
        client.put(f"/api/branches/{busy.id}", json={"name": "Sergeli filiali"}, headers=director),
        409,
        "CONFLICT",
    )
    assert_error(
        client.post(
            "/api/users",
            json={"username": "x1y", "password": "secret123", "role": "seller"},
            headers=director,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.post("/api/branches", json={"name": "Yangi"}, headers=seller),
        403,
        "FORBIDDEN",
    )
    after, _ = _entries(client, director, page_size=200)
    assert after == before


def test_filters_by_user_and_shop_days_with_pagination(client, factory, clock):
    admin = factory.admin()
    director = auth_headers(client, admin)
    # 10 March, 23:30 in Tashkent (18:30 UTC): still the 10th for the shop.
    clock.advance(timedelta(hours=13, minutes=30))
    factory.branch("Late branch")
    # 11 March, 00:30 in Tashkent (10 March 19:30 UTC): the shop's next day.
    clock.advance(timedelta(hours=1))
    factory.branch("Next day branch")
    factory.branch("Next day branch 2")

    day10, meta10 = _entries(
        client, director, entity_type="branch", date_from="2026-03-10", date_to="2026-03-10"
    )
    assert [e["changes"]["name"]["new"] for e in day10] == ["Late branch"]
    assert meta10["total"] == 1
    day11, _ = _entries(client, director, entity_type="branch", date_from="2026-03-11")
    assert {e["changes"]["name"]["new"] for e in day11} == {"Next day branch", "Next day branch 2"}
    until10, _ = _entries(client, director, entity_type="branch", date_to="2026-03-10")
    assert len(until10) == 1

    page1, meta = _entries(client, director, entity_type="branch", page_size=2)
    page2, _ = _entries(client, director, entity_type="branch", page_size=2, page=2)
    assert meta == {"page": 1, "page_size": 2, "total": 3}
    assert len(page1) == 2 and len(page2) == 1
    # Newest first.
    assert page2[0]["changes"]["name"]["new"] == "Late branch"

    by_admin, _ = _entries(client, director, user_id=str(admin.id), entity_type="branch")
    assert len(by_admin) == 3
    seller = factory.seller()
    by_seller, _ = _entries(client, director, user_id=str(seller.id), entity_type="branch")
    assert by_seller == []


def test_bad_filters_are_validation_errors(client, factory):
    director = auth_headers(client, factory.admin())
    for params, field in (
        ({"action": "EXPLODE"}, "action"),
        ({"date_from": "10.03.2026"}, "date_from"),
        ({"user_id": "me"}, "user_id"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-09"}, "date_to"),
        ({"page_size": 201}, "page_size"),
    ):
        body = assert_error(
            client.get("/api/audit-logs", params=params, headers=director), 422, "VALIDATION_ERROR"
        )
        assert [f["field"] for f in body["error"]["details"]["fields"]] == [field]


def test_only_the_director_reads_the_trail(client, factory):
    assert_error(client.get("/api/audit-logs"), 401, "UNAUTHORIZED")
    seller = factory.seller()
    headers = auth_headers(client, seller, PASSWORD)
    assert_error(client.get("/api/audit-logs", headers=headers), 403, "FORBIDDEN")


def test_an_update_logs_only_what_changed_and_a_removal_what_was_there(client, factory, clock):
    # audit.log_updated and audit.log_removed, through master data.
    director = auth_headers(client, factory.admin())
    made = assert_ok(
        client.post("/api/collections", json={"name": "Emili", "icon": "🌿"}, headers=director),
        201,
    )
    url = f"/api/collections/{made['id']}"
    clock.advance(timedelta(seconds=1))
    assert_ok(client.put(url, json={"name": "Emili Lux", "icon": "🌿"}, headers=director))
    clock.advance(timedelta(seconds=1))
    assert_ok(client.put(url, json={"icon": "🌿"}, headers=director))  # nothing changes
    clock.advance(timedelta(seconds=1))
    assert_ok(client.delete(url, headers=director))
    entries, _ = _entries(client, director, entity_id=made["id"])
    assert [(e["action"], e["changes"]) for e in entries] == [
        ("DELETE", {"icon": {"old": "🌿", "new": None}, "name": {"old": "Emili Lux", "new": None}}),
        ("UPDATE", {}),
        ("UPDATE", {"name": {"old": "Emili", "new": "Emili Lux"}}),
        ("CREATE", {"icon": {"old": None, "new": "🌿"}, "name": {"old": None, "new": "Emili"}}),
    ]
