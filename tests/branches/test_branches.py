"""Branches: the director manages them; a seller sees only their own."""

from __future__ import annotations

import threading
import uuid

from tests.factories import assert_error, assert_ok, auth_headers


def test_director_creates_reads_updates_and_lists_branches(client, factory):
    director = auth_headers(client, factory.admin())
    created = assert_ok(
        client.post(
            "/api/branches",
            json={"name": "Chilonzor filiali", "address": "Bunyodkor 12", "phone": "+998712000001"},
            headers=director,
        ),
        201,
    )
    assert created["name"] == "Chilonzor filiali"
    assert created["code"] == "CH"
    assert created["address"] == "Bunyodkor 12"
    assert created["deleted_at"] is None
    uuid.UUID(created["id"])

    assert assert_ok(client.get(f"/api/branches/{created['id']}", headers=director)) == created
    updated = assert_ok(
        client.put(
            f"/api/branches/{created['id']}",
            json={"name": "Chilonzor", "address": None},
            headers=director,
        )
    )
    assert updated["name"] == "Chilonzor"
    assert updated["address"] is None
    assert updated["phone"] == "+998712000001"

    factory.branch("Sergeli filiali")
    response = client.get("/api/branches", headers=director)
    assert [b["name"] for b in assert_ok(response)] == ["Chilonzor", "Sergeli filiali"]
    assert response.json()["meta"] == {"page": 1, "page_size": 50, "total": 2}


def test_taken_branch_name_is_a_conflict(client, factory):
    factory.branch("Sergeli filiali")
    other = factory.branch("Yunusobod filiali")
    director = auth_headers(client, factory.admin())
    for name in ("Sergeli filiali", "SERGELI FILIALI"):
        assert_error(
            client.post("/api/branches", json={"name": name}, headers=director), 409, "CONFLICT"
        )
    assert_error(
        client.put(f"/api/branches/{other.id}", json={"name": "Sergeli filiali"}, headers=director),
        409,
        "CONFLICT",
    )


def test_concurrent_creations_of_one_name_give_one_branch_and_conflicts(client, factory):
    director = auth_headers(client, factory.admin())
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    codes: list[str] = []

    def create() -> None:
        barrier.wait(timeout=10)
        response = client.post("/api/branches", json={"name": "Olmazor"}, headers=director)
        statuses.append(response.status_code)
        if response.status_code != 201:
            codes.append(response.json()["error"]["code"])

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * 5
    assert set(codes) == {"CONFLICT"}
    listed = assert_ok(client.get("/api/branches", headers=director))
    assert [b["name"] for b in listed] == ["Olmazor"]


def test_branch_input_is_validated(client, factory):
    director = auth_headers(client, factory.admin())
    for payload, field in (
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Ok", "phone": "call me"}, "phone"),
        ({"name": "Ok", "code": "no spaces"}, "code"),
        ({"name": "Ok", "manager": "me"}, "manager"),
    ):
        body = assert_error(
            client.post("/api/branches", json=payload, headers=director), 422, "VALIDATION_ERROR"
        )
        assert field in [f["field"] for f in body["error"]["details"]["fields"]]


def test_a_seller_sees_only_their_own_branch(client, factory):
    own = factory.branch("Chilonzor filiali")
    other = factory.branch("Sergeli filiali")
    seller = factory.seller(branch=own)
    headers = auth_headers(client, seller)

    response = client.get("/api/branches", headers=headers)
    assert [b["id"] for b in assert_ok(response)] == [str(own.id)]
    assert response.json()["meta"]["total"] == 1
    assert assert_ok(client.get(f"/api/branches/{own.id}", headers=headers))["id"] == str(own.id)
    assert_ok(client.get(f"/api/branches?branch_id={own.id}", headers=headers))

    assert_error(client.get(f"/api/branches/{other.id}", headers=headers), 403, "FORBIDDEN")
    assert_error(
        client.get(f"/api/branches?branch_id={other.id}", headers=headers), 403, "FORBIDDEN"
    )
    assert_error(
        client.get("/api/branches?include_deleted=true", headers=headers), 403, "FORBIDDEN"
    )


def test_the_director_sees_every_branch_and_may_filter(client, factory):
    first = factory.branch("Chilonzor filiali")
    factory.branch("Sergeli filiali")
    director = auth_headers(client, factory.admin())
    assert len(assert_ok(client.get("/api/branches", headers=director))) == 2
    filtered = assert_ok(client.get(f"/api/branches?branch_id={first.id}", headers=director))
    assert [b["id"] for b in filtered] == [str(first.id)]


def test_sellers_cannot_change_branches(client, factory):
    own = factory.branch()
    headers = auth_headers(client, factory.seller(branch=own))
    assert_error(
        client.post("/api/branches", json={"name": "Mine"}, headers=headers), 403, "FORBIDDEN"
    )
    assert_error(
        client.put(f"/api/branches/{own.id}", json={"name": "Renamed"}, headers=headers),
        403,
        "FORBIDDEN",
    )
    assert_error(client.delete(f"/api/branches/{own.id}", headers=headers), 403, "FORBIDDEN")
    assert_error(client.post(f"/api/branches/{own.id}/restore", headers=headers), 403, "FORBIDDEN")


def test_a_branch_with_active_users_cannot_be_deleted(client, factory):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    director = auth_headers(client, factory.admin())
    body = assert_error(
        client.delete(f"/api/branches/{branch.id}", headers=director), 409, "CONFLICT"
    )
    assert body["error"]["details"]["active_users"] == 1
    assert_ok(client.get(f"/api/branches/{branch.id}", headers=director))

    assert_ok(client.put(f"/api/users/{seller.id}", json={"is_active": False}, headers=director))
    assert_ok(client.delete(f"/api/branches/{branch.id}", headers=director))


def test_soft_delete_restore_and_include_deleted(client, factory):
    branch = factory.branch("Yunusobod filiali")
    director = auth_headers(client, factory.admin())
    assert_ok(client.delete(f"/api/branches/{branch.id}", headers=director))
    assert_error(client.get(f"/api/branches/{branch.id}", headers=director), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/branches/{branch.id}", headers=director), 404, "NOT_FOUND")
    assert_error(
        client.put(f"/api/branches/{branch.id}", json={"name": "X"}, headers=director),
        404,
        "NOT_FOUND",
    )
    assert assert_ok(client.get("/api/branches", headers=director)) == []
    everything = assert_ok(client.get("/api/branches?include_deleted=true", headers=director))
    assert [b["id"] for b in everything] == [str(branch.id)]
    assert everything[0]["deleted_at"] is not None

    restored = assert_ok(client.post(f"/api/branches/{branch.id}/restore", headers=director))
    assert restored["deleted_at"] is None
    assert_ok(client.get(f"/api/branches/{branch.id}", headers=director))
    assert_error(
        client.post(f"/api/branches/{branch.id}/restore", headers=director), 409, "CONFLICT"
    )
    assert_error(
        client.post(f"/api/branches/{uuid.uuid4()}/restore", headers=director), 404, "NOT_FOUND"
    )


def test_a_deleted_branchs_name_is_free_and_its_restore_then_conflicts(client, factory):
    old = factory.branch("Sergeli filiali")
    director = auth_headers(client, factory.admin())
    assert_ok(client.delete(f"/api/branches/{old.id}", headers=director))
    assert_ok(client.post("/api/branches", json={"name": "Sergeli filiali"}, headers=director), 201)
    assert_error(client.post(f"/api/branches/{old.id}/restore", headers=director), 409, "CONFLICT")


def test_a_seller_of_a_deleted_branch_cannot_be_restored_before_it(client, factory):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    director = auth_headers(client, factory.admin())
    assert_ok(client.delete(f"/api/users/{seller.id}", headers=director))
    assert_ok(client.delete(f"/api/branches/{branch.id}", headers=director))
    assert_error(client.post(f"/api/users/{seller.id}/restore", headers=director), 409, "CONFLICT")
    assert_ok(client.post(f"/api/branches/{branch.id}/restore", headers=director))
    assert_ok(client.post(f"/api/users/{seller.id}/restore", headers=director))


def test_unknown_branch_is_not_found(client, factory):
    director = auth_headers(client, factory.admin())
    assert_error(client.get(f"/api/branches/{uuid.uuid4()}", headers=director), 404, "NOT_FOUND")
    body = assert_error(client.get("/api/branches/not-a-uuid", headers=director), 404, "NOT_FOUND")
    assert body["error"]["details"] == {}


def test_a_seller_of_a_deleted_branch_cannot_be_reactivated_there(client, factory):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    new_home = factory.branch()
    director = auth_headers(client, factory.admin())
    assert_ok(client.put(f"/api/users/{seller.id}", json={"is_active": False}, headers=director))
    assert_ok(client.delete(f"/api/branches/{branch.id}", headers=director))

    body = assert_error(
        client.put(f"/api/users/{seller.id}", json={"is_active": True}, headers=director),
        422,
        "VALIDATION_ERROR",
    )
    assert body["error"]["details"]["fields"][0]["field"] == "branch_id"
    assert assert_ok(client.get(f"/api/users/{seller.id}", headers=director))["is_active"] is False
    # Moved to a live branch, they can work again.
    moved = assert_ok(
        client.put(
            f"/api/users/{seller.id}",
            json={"is_active": True, "branch_id": str(new_home.id)},
            headers=director,
        )
    )
    assert moved["is_active"] is True
