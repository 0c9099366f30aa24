"""A small shop for the sales, returns, discounts and commissions tests: two branches, a seller
in each, the director, and their signed-in headers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from carpet_shop.audit.models import AuditLog
from carpet_shop.branches.models import Branch
from carpet_shop.core.database import Database
from carpet_shop.inventory.models import StockMovement
from carpet_shop.inventory.repository import StockRepository
from carpet_shop.sales.models import IdempotencyRecord, ReceiptCounter, Sale, SaleItem
from carpet_shop.users.models import User
from tests.factories import Factory, auth_headers

_codes = itertools.count(1)
# Keys a seller must never see, anywhere in a response.
SECRET_KEYS = frozenset({"buy_price", "cost", "director_profit"})


@dataclass(repr=False)
class Shop:
    factory: Factory
    client: TestClient
    branch: Branch
    other_branch: Branch
    seller: User
    other_seller: User
    admin: User
    seller_h: dict[str, str]
    other_h: dict[str, str]
    admin_h: dict[str, str]

    @property
    def db(self) -> Database:
        return self.factory.db

    def scalar(self, stmt: Any) -> Any:
        with self.db.transaction(write=False) as session:
            return session.scalar(stmt)

    def scalars(self, stmt: Any) -> list[Any]:
        with self.db.transaction(write=False) as session:
            return list(session.scalars(stmt).all())

    def count(self, model: Any, *where: Any) -> int:
        return int(self.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    def stock(self, product: Any) -> Decimal:
        from carpet_shop.catalog.models import Product

        with self.db.transaction(write=False) as session:
            found = session.get(Product, product.id)
            assert found is not None
            return found.stock

    def ledger_total(self, product: Any) -> Decimal:
        with self.db.transaction(write=False) as session:
            return StockRepository(session).ledger_total(product.id)

    def counts(self) -> dict[str, int]:
        """Rows a refused sale must not leave behind."""
        return {
            "sales": self.count(Sale),
            "items": self.count(SaleItem),
            "movements": self.count(StockMovement),
            "audit": self.count(AuditLog, AuditLog.entity_type == "sale"),
            "idempotency": self.count(IdempotencyRecord),
            "counters": int(
                self.scalar(select(func.coalesce(func.sum(ReceiptCounter.last_number), 0))) or 0
            ),
        }

    def sell(
        self,
        headers: dict[str, str],
        product: Any,
        quantity: Any = 1,
        amount: Any = None,
        payment_type: str = "cash",
        **extra: Any,
    ) -> Any:
        body = {
            "product_id": str(product.id),
            "quantity": quantity,
            "amount": amount if amount is not None else 150_000,
            "payment_type": payment_type,
            **extra,
        }
        return self.client.post("/api/sales", json=body, headers=headers)


def make_shop(factory: Factory, client: TestClient) -> Shop:
    n = next(_codes)
    branch = factory.branch(f"Chilonzor {n}", code=f"CH{n}")
    other = factory.branch(f"Sergeli {n}", code=f"SE{n}")
    seller = factory.seller(branch, full_name="Dilshod")
    other_seller = factory.seller(other)
    admin = factory.admin()
    return Shop(
        factory=factory,
        client=client,
        branch=branch,
        other_branch=other,
        seller=seller,
        other_seller=other_seller,
        admin=admin,
        seller_h=auth_headers(client, seller),
        other_h=auth_headers(client, other_seller),
        admin_h=auth_headers(client, admin),
    )


@pytest.fixture
def shop(factory: Factory, client: TestClient) -> Shop:
    return make_shop(factory, client)


def find_secret_keys(value: Any, path: str = "$") -> list[str]:
    """Every path in a JSON value whose key a seller must not see."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in SECRET_KEYS:
                found.append(f"{path}.{key}")
            found.extend(find_secret_keys(inner, f"{path}.{key}"))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found.extend(find_secret_keys(inner, f"{path}[{i}]"))
    return found
