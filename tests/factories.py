"""Test data, built through the services so every row is one the API could have made."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import FrozenClock
from carpet_shop.core.database import Database
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.demo import ensure_admin
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

PASSWORD = "secret123"
META = RequestMeta(ip_address="127.0.0.1", user_agent="factory")
_seq = itertools.count(1)


@dataclass
class Factory:
    db: Database
    clock: FrozenClock
    policy: AuthPolicy
    _admin: User | None = field(default=None, init=False)

    def admin(self, username: str = "director") -> User:
        if self._admin is None:
            with self.db.transaction() as session:
                self._admin = ensure_admin(
                    session, self.clock, self.policy, username, PASSWORD, "Director"
                )
        return self._admin

    def actor(self) -> Actor:
        return Actor(user=self.admin(), meta=META)

    def branch(self, name: str | None = None, **fields: Any) -> Branch:
        n = next(_seq)
        with self.db.transaction() as session:
            return branches_service.create_branch(
                session,
                self.actor(),
                self.clock,
                BranchCreate(
                    name=name or f"Branch {n}", code=fields.pop("code", f"B{n}"), **fields
                ),
            )

    def user(
        self,
        *,
        role: Role = Role.SELLER,
        branch: Branch | None = None,
        username: str | None = None,
        password: str = PASSWORD,
        **fields: Any,
    ) -> User:
        if role == Role.SELLER and branch is None:
            branch = self.branch()
        with self.db.transaction() as session:
            return users_service.create_user(
                session,
                self.actor(),
                self.clock,
                self.policy.hasher,
                UserCreate(
                    username=username or f"user{next(_seq)}",
                    password=password,
                    role=role,
                    branch_id=branch.id if branch else None,
                    **fields,
                ),
            )

    def seller(self, branch: Branch | None = None, **fields: Any) -> User:
        return self.user(role=Role.SELLER, branch=branch, **fields)


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def auth_headers(client: TestClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    return bearer(login(client, user.username, password)["access_token"])


def assert_ok(response: Any, status: int = 200) -> Any:
    """The contract's success envelope, with this status; returns `data`."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is True
    assert set(body) >= {"data", "message", "timestamp"}
    assert isinstance(body["message"], str)
    assert response.headers.get("x-request-id")
    return body["data"]


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The contract's error envelope, with this status and code."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    assert "timestamp" in body
    assert response.headers.get("x-request-id")
    return body
