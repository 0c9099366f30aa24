"""Branch-scoped lists for sellers (core.repository.BranchScopedMixin)."""

from __future__ import annotations

from tests.factories import auth_headers


def test_a_seller_lists_only_their_branch(client, factory):
    mine = factory.branch()
    factory.branch()
    seller = factory.seller(mine)
    response = client.get("/api/branches", headers=auth_headers(client, seller))
    assert response.status_code == 200, response.text
    assert [b["id"] for b in response.json()["data"]] == [str(mine.id)]
