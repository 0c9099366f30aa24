"""Two branches, a seller in each and the director, signed in: the cast of the customer and
debt tests (their conftests import the `shop` fixture from here)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from carpet_shop.branches.models import Branch
from carpet_shop.users.models import User
from tests.factories import auth_headers


@dataclass
class Shop:
    branch_a: Branch
    branch_b: Branch
    seller_a: User
    seller_b: User
    admin: User
    as_a: dict[str, str]
    as_b: dict[str, str]
    as_admin: dict[str, str]


@pytest.fixture
def shop(client, factory) -> Shop:
    branch_a, branch_b = factory.branch("Chilonzor"), factory.branch("Sergeli")
    seller_a, seller_b = factory.seller(branch_a), factory.seller(branch_b)
    admin = factory.admin()
    return Shop(
        branch_a,
        branch_b,
        seller_a,
        seller_b,
        admin,
        auth_headers(client, seller_a),
        auth_headers(client, seller_b),
        auth_headers(client, admin),
    )
