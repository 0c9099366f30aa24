from __future__ import annotations

from carpet_shop.users.models import Role
from tests.factories import PASSWORD, assert_error, login


def test_login_returns_tokens_and_user_without_password(client, factory):
    seller = factory.seller(can_add_products=True)
    response = client.post(
        "/api/auth/login", json={"username": seller.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 24 * 3600
    assert data["access_token"] and data["refresh_token"]
    user = data["user"]
    assert user["username"] == seller.username
    assert user["role"] == "seller"
    assert user["can_add_products"] is True
    assert "password" not in str(user).lower()


def test_login_with_form_fields_for_the_docs(client, factory):
    admin = factory.admin()
    response = client.post(
        "/api/auth/login", data={"username": admin.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["user"]["role"] == Role.ADMIN.value
    assert body["access_token"] == body["data"]["access_token"]


def test_wrong_password_is_invalid_credentials(client, factory):
    seller = factory.seller()
    assert_error(
        client.post("/api/auth/login", json={"username": seller.username, "password": "nope!!"}),
        401,
        "INVALID_CREDENTIALS",
    )
    assert_error(
        client.post("/api/auth/login", json={"username": "ghost", "password": "nope!!"}),
        401,
        "INVALID_CREDENTIALS",
    )


def test_me_needs_a_token(client, factory):
    assert_error(client.get("/api/auth/me"), 401, "UNAUTHORIZED")
    seller = factory.seller()
    token = login(client, seller.username)["access_token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["data"]["id"] == str(seller.id)
