"""Users: the director manages everyone; a seller sees and changes only their own account."""

from __future__ import annotations

import uuid

import pytest

from carpet_shop.core.actor import Actor
from carpet_shop.core.errors import Conflict
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserUpdate
from tests.factories import META, PASSWORD, assert_error, assert_ok, auth_headers, login

USER_FIELDS = {
    "id",
    "username",
    "full_name",
    "role",
    "branch_id",
    "can_add_products",
    "is_active",
    "created_at",
    "updated_at",
}


def _no_secrets(user: dict[str, object]) -> None:
    assert set(user) >= USER_FIELDS
    assert not any("password" in key or "hash" in key for key in user)


def test_director_creates_reads_updates_and_lists_users(client, factory):
    branch = factory.branch()
    director = auth_headers(client, factory.admin())
    created = assert_ok(
        client.post(
            "/api/users",
            json={
                "username": "Seller9",
                "password": "secret123",
                "full_name": "Aziza",
                "branch_id": str(branch.id),
                "can_add_products": True,
            },
            headers=director,
        ),
        201,
    )
    _no_secrets(created)
    assert created["username"] == "seller9"
    assert created["role"] == "seller"
    assert created["branch_id"] == str(branch.id)
    assert created["can_add_products"] is True
    assert created["is_active"] is True

    read = assert_ok(client.get(f"/api/users/{created['id']}", headers=director))
    assert read == created

    updated = assert_ok(
        client.put(
            f"/api/users/{created['id']}",
            json={"full_name": "Aziza K.", "can_add_products": False},
            headers=director,
        )
    )
    assert updated["full_name"] == "Aziza K."
    assert updated["can_add_products"] is False

    response = client.get("/api/users", headers=director)
    listed = assert_ok(response)
    assert response.json()["meta"] == {"page": 1, "page_size": 50, "total": 2}
    assert {u["username"] for u in listed} == {"director", "seller9"}
    for user in listed:
        _no_secrets(user)


def test_list_filters_and_pagination(client, factory):
    first, second = factory.branch(), factory.branch()
    for _ in range(3):
        factory.seller(branch=first)
    factory.seller(branch=second, is_active=False)
    director = auth_headers(client, factory.admin())

    response = client.get(
        "/api/users", params={"branch_id": str(first.id), "page_size": 2}, headers=director
    )
    assert len(assert_ok(response)) == 2
    assert response.json()["meta"] == {"page": 1, "page_size": 2, "total": 3}
    response = client.get(
        "/api/users",
        params={"branch_id": str(first.id), "page_size": 2, "page": 2},
        headers=director,
    )
    assert len(assert_ok(response)) == 1

    admins = assert_ok(client.get("/api/users", params={"role": "admin"}, headers=director))
    assert [u["role"] for u in admins] == ["admin"]
    inactive = assert_ok(client.get("/api/users", params={"is_active": False}, headers=director))
    assert [u["branch_id"] for u in inactive] == [str(second.id)]


def test_taken_username_is_a_conflict_in_any_case(client, factory):
    seller = factory.seller(username="nodira")
    director = auth_headers(client, factory.admin())
    for username in ("nodira", "NODIRA"):
        body = assert_error(
            client.post(
                "/api/users",
                json={"username": username, "password": "secret123", "role": "admin"},
                headers=director,
            ),
            409,
            "CONFLICT",
        )
        assert "nodira" in body["error"]["message"].lower()
    other = factory.seller()
    assert_error(
        client.put(f"/api/users/{other.id}", json={"username": "Nodira"}, headers=director),
        409,
        "CONFLICT",
    )
    # Renaming a user to their own name is not a conflict.
    assert_ok(client.put(f"/api/users/{seller.id}", json={"username": "NODIRA"}, headers=director))


def test_username_of_a_deleted_user_can_be_reused_then_restore_conflicts(client, factory):
    old = factory.seller(username="bobur")
    director = auth_headers(client, factory.admin())
    assert_ok(client.delete(f"/api/users/{old.id}", headers=director))
    new = assert_ok(
        client.post(
            "/api/users",
            json={"username": "bobur", "password": "secret123", "role": "admin"},
            headers=director,
        ),
        201,
    )
    assert new["id"] != str(old.id)
    assert_error(client.post(f"/api/users/{old.id}/restore", headers=director), 409, "CONFLICT")
    # Still deleted after the refused restore.
    assert_error(client.get(f"/api/users/{old.id}", headers=director), 404, "NOT_FOUND")


def test_soft_delete_hides_the_user_and_restore_brings_them_back(client, factory):
    seller = factory.seller()
    director = auth_headers(client, factory.admin())
    assert_ok(client.delete(f"/api/users/{seller.id}", headers=director))
    assert_error(client.get(f"/api/users/{seller.id}", headers=director), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/users/{seller.id}", headers=director), 404, "NOT_FOUND")
    assert_error(
        client.put(f"/api/users/{seller.id}", json={"full_name": "x"}, headers=director),
        404,
        "NOT_FOUND",
    )
    listed = assert_ok(client.get("/api/users", headers=director))
    assert str(seller.id) not in {u["id"] for u in listed}

    everyone = assert_ok(client.get("/api/users?include_deleted=true", headers=director))
    deleted = next(u for u in everyone if u["id"] == str(seller.id))
    assert deleted["deleted_at"] is not None

    restored = assert_ok(client.post(f"/api/users/{seller.id}/restore", headers=director))
    assert restored["deleted_at"] is None
    assert_ok(client.get(f"/api/users/{seller.id}", headers=director))
    assert_ok(
        client.post("/api/auth/login", json={"username": seller.username, "password": PASSWORD})
    )
    assert_error(client.post(f"/api/users/{seller.id}/restore", headers=director), 409, "CONFLICT")


def test_sellers_cannot_manage_users(client, factory):
    seller = factory.seller()
    other = factory.seller(branch=seller_branch(factory, seller))
    headers = auth_headers(client, seller)
    assert_error(client.get("/api/users", headers=headers), 403, "FORBIDDEN")
    assert_error(client.get("/api/users?include_deleted=true", headers=headers), 403, "FORBIDDEN")
    assert_error(
        client.post(
            "/api/users",
            json={"username": "sneaky", "password": "secret123", "role": "admin"},
            headers=headers,
        ),
        403,
        "FORBIDDEN",
    )
    # Not even a colleague of the same branch.
    assert_error(client.get(f"/api/users/{other.id}", headers=headers), 403, "FORBIDDEN")
    assert_error(
        client.put(f"/api/users/{other.id}", json={"full_name": "x"}, headers=headers),
        403,
        "FORBIDDEN",
    )
    assert_error(client.delete(f"/api/users/{other.id}", headers=headers), 403, "FORBIDDEN")
    assert_error(client.post(f"/api/users/{other.id}/restore", headers=headers), 403, "FORBIDDEN")
    assert_error(client.get(f"/api/users/{uuid.uuid4()}", headers=headers), 403, "FORBIDDEN")


def seller_branch(factory, seller):
    from carpet_shop.branches import service as branches_service

    with factory.db.transaction(write=False) as session:
        return branches_service.get_branch(session, seller.branch_id)


def test_a_seller_reads_and_renames_themself(client, factory):
    seller = factory.seller()
    headers = auth_headers(client, seller)
    me = assert_ok(client.get(f"/api/users/{seller.id}", headers=headers))
    _no_secrets(me)
    updated = assert_ok(
        client.put(f"/api/users/{seller.id}", json={"full_name": "Yangi Ism"}, headers=headers)
    )
    assert updated["full_name"] == "Yangi Ism"


@pytest.mark.parametrize(
    "field",
    [
        {"role": "admin"},
        {"role": "seller"},
        {"branch_id": None},
        {"can_add_products": True},
        {"is_active": False},
        {"username": "renamed"},
    ],
)
def test_a_seller_cannot_mass_assign_protected_fields(client, factory, field):
    seller = factory.seller()
    other_branch = factory.branch()
    headers = auth_headers(client, seller)
    if "branch_id" in field:
        field = {"branch_id": str(other_branch.id)}
    before = assert_ok(client.get(f"/api/users/{seller.id}", headers=headers))
    body = assert_error(
        client.put(
            f"/api/users/{seller.id}", json={"full_name": "Changed", **field}, headers=headers
        ),
        403,
        "FORBIDDEN",
    )
    assert body["error"]["details"]["fields"] == list(field)
    after = assert_ok(client.get(f"/api/users/{seller.id}", headers=headers))
    assert after == before


def test_unknown_fields_are_refused_with_details(client, factory):
    director = auth_headers(client, factory.admin())
    seller = factory.seller()
    for method, url, json in (
        ("post", "/api/users", {"username": "x1y", "password": "secret123", "is_admin": True}),
        ("put", f"/api/users/{seller.id}", {"password_hash": "plain"}),
    ):
        body = assert_error(
            client.request(method.upper(), url, json=json, headers=director),
            422,
            "VALIDATION_ERROR",
        )
        fields = body["error"]["details"]["fields"]
        assert {"is_admin", "password_hash"} & {f["field"] for f in fields}
        assert all(set(f) == {"field", "message"} for f in fields)


def test_user_input_is_validated(client, factory):
    director = auth_headers(client, factory.admin())
    branch = factory.branch()
    cases = [
        ({"username": "ab", "password": "secret123", "role": "admin"}, "username"),
        ({"username": "has space", "password": "secret123", "role": "admin"}, "username"),
        ({"username": "a" * 51, "password": "secret123", "role": "admin"}, "username"),
        ({"username": "okname", "password": "short", "role": "admin"}, "password"),
        ({"username": "okname", "password": "secret123", "role": "boss"}, "role"),
        (
            {
                "username": "okname",
                "password": "secret123",
                "branch_id": str(branch.id),
                "full_name": "x" * 121,
            },
            "full_name",
        ),
    ]
    for payload, field in cases:
        body = assert_error(
            client.post("/api/users", json=payload, headers=director), 422, "VALIDATION_ERROR"
        )
        assert field in [f["field"] for f in body["error"]["details"]["fields"]], body


def test_a_seller_needs_a_branch_and_an_admin_has_none(client, factory):
    director = auth_headers(client, factory.admin())
    branch = factory.branch()
    cases = [
        {"username": "nobranch", "password": "secret123", "role": "seller"},
        {"username": "ghostbranch", "password": "secret123", "branch_id": str(uuid.uuid4())},
        {
            "username": "adminbranch",
            "password": "secret123",
            "role": "admin",
            "branch_id": str(branch.id),
        },
    ]
    for payload in cases:
        body = assert_error(
            client.post("/api/users", json=payload, headers=director), 422, "VALIDATION_ERROR"
        )
        assert body["error"]["details"]["fields"][0]["field"] == "branch_id"

    seller = factory.seller(branch=branch)
    assert_error(
        client.put(f"/api/users/{seller.id}", json={"branch_id": None}, headers=director),
        422,
        "VALIDATION_ERROR",
    )
    # Promoted to director, the seller leaves the branch and loses the product right.
    promoted = assert_ok(
        client.put(f"/api/users/{seller.id}", json={"role": "admin"}, headers=director)
    )
    assert promoted["branch_id"] is None
    assert promoted["can_add_products"] is False
    # Back to seller without a branch: refused.
    assert_error(
        client.put(f"/api/users/{seller.id}", json={"role": "seller"}, headers=director),
        422,
        "VALIDATION_ERROR",
    )
    demoted = assert_ok(
        client.put(
            f"/api/users/{seller.id}",
            json={"role": "seller", "branch_id": str(branch.id)},
            headers=director,
        )
    )
    assert demoted["branch_id"] == str(branch.id)


def test_director_cannot_delete_deactivate_or_demote_themself(client, factory):
    admin = factory.admin()
    director = auth_headers(client, admin)
    assert_error(client.delete(f"/api/users/{admin.id}", headers=director), 409, "CONFLICT")
    branch = factory.branch()
    for change in ({"is_active": False}, {"role": "seller", "branch_id": str(branch.id)}):
        assert_error(
            client.put(f"/api/users/{admin.id}", json=change, headers=director), 409, "CONFLICT"
        )
    me = assert_ok(client.get(f"/api/users/{admin.id}", headers=director))
    assert me["role"] == "admin" and me["is_active"] is True


def test_another_director_can_be_managed_while_one_stays(client, factory):
    factory.admin()
    second = factory.user(role=Role.ADMIN, username="director2")
    director = auth_headers(client, factory.admin())
    assert_ok(client.put(f"/api/users/{second.id}", json={"is_active": False}, headers=director))
    assert_ok(client.delete(f"/api/users/{second.id}", headers=director))


def test_the_last_active_admin_is_kept(factory):
    """Only reachable outside HTTP (an admin calling over HTTP is an active admin themself):
    a script acting for another account must still not leave the shop without a director."""
    admin = factory.admin()
    seller = factory.seller()
    stand_in = Actor(user=User(id=uuid.uuid4(), username="script", role=Role.ADMIN), meta=META)
    hasher = factory.policy.hasher
    attempts = [
        lambda s: users_service.update_user(
            s, stand_in, factory.clock, hasher, admin.id, UserUpdate(is_active=False)
        ),
        lambda s: users_service.update_user(
            s,
            stand_in,
            factory.clock,
            hasher,
            admin.id,
            UserUpdate(role=Role.SELLER, branch_id=seller.branch_id),
        ),
        lambda s: users_service.delete_user(s, stand_in, factory.clock, admin.id),
    ]
    for attempt in attempts:
        with factory.db.transaction() as session, pytest.raises(Conflict):
            attempt(session)
    with factory.db.transaction(write=False) as session:
        kept = users_service.get_user(session, admin.id)
        assert kept.is_active and kept.role == Role.ADMIN


def test_user_object_never_carries_the_password(client, factory):
    seller = factory.seller()
    data = login(client, seller.username)
    _no_secrets(data["user"])
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {data['access_token']}"})
    _no_secrets(assert_ok(me))
    assert (
        "argon2" not in me.text
        and "argon2"
        not in client.get("/api/users", headers=auth_headers(client, factory.admin())).text
    )
