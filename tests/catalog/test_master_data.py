from __future__ import annotations

import pytest

from tests.factories import TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def test_everyone_reads_collections_only_admin_writes(shop):
    for who in ("admin", "editor_a", "plain_a"):
        listed = shop.get(who, "/api/collections")
        assert listed.status_code == 200
        assert [c["name"] for c in listed.json()["data"]] == [shop.collection.name]
        assert listed.json()["meta"]["total"] == 1
    for who in ("editor_a", "plain_a"):
        assert_error(shop.post(who, "/api/collections", {"name": "Emili"}), 403, "FORBIDDEN")
    created = shop.post("admin", "/api/collections", {"name": "Emili", "icon": "🌿"})
    assert created.status_code == 201
    collection = created.json()["data"]
    assert collection["icon"] == "🌿"
    url = f"/api/collections/{collection['id']}"
    assert_error(shop.put("editor_a", url, {"name": "X"}), 403, "FORBIDDEN")
    assert_error(shop.delete("editor_a", url), 403, "FORBIDDEN")
    renamed = shop.put("admin", url, {"name": "Emili Lux"})
    assert renamed.json()["data"]["name"] == "Emili Lux"
    assert shop.delete("admin", url).status_code == 200
    assert_error(shop.get("admin", url), 404, "NOT_FOUND")


def test_collection_names_are_unique_in_any_case(shop):
    assert_error(
        shop.post("admin", "/api/collections", {"name": shop.collection.name.upper()}),
        409,
        "CONFLICT",
    )
    other = shop.post("admin", "/api/collections", {"name": "Sultan"}).json()["data"]
    assert_error(
        shop.put("admin", f"/api/collections/{other['id']}", {"name": shop.collection.name}),
        409,
        "CONFLICT",
    )


def test_collection_in_use_cannot_be_deleted_even_by_deleted_products(shop):
    product = shop.product()
    url = f"/api/collections/{shop.collection.id}"
    body = assert_error(shop.delete("admin", url), 409, "CONFLICT")
    assert body["error"]["details"] == {"products": 1, "deleted_products": 0}
    assert shop.delete("admin", f"/api/products/{product.id}").status_code == 200
    body = assert_error(shop.delete("admin", url), 409, "CONFLICT")
    assert body["error"]["details"] == {"products": 0, "deleted_products": 1}


@pytest.mark.parametrize(
    ("text", "normal", "width", "height"),
    [
        ("2×3", "2×3", 2, 3),
        ("2x3", "2×3", 2, 3),
        ("2X3", "2×3", 2, 3),
        ("2*3", "2×3", 2, 3),
        (" 1.5 × 2.25 ", "1.5×2.25", 1.5, 2.25),
        ("1,5x2", "1.5×2", 1.5, 2),
        ("2.50x3.00", "2.5×3", 2.5, 3),
        ("2х3", "2×3", 2, 3),  # Cyrillic х, as typed on a Russian keyboard
    ],
)
def test_size_input_is_normalised(shop, text, normal, width, height):
    created = shop.post("admin", "/api/sizes", {"size": text, "collection_id": None})
    # "2×3" is one of the shop's sizes already: the same size twice is a conflict.
    if normal == "2×3":
        assert_error(created, 409, "CONFLICT")
        created = shop.post(
            "admin", "/api/sizes", {"size": text, "collection_id": str(shop.collection.id)}
        )
    assert created.status_code == 201, created.text
    size = created.json()["data"]
    assert (size["size"], size["width"], size["height"]) == (normal, width, height)


@pytest.mark.parametrize("text", ["2", "2×", "×3", "a×b", "0×3", "2×3×4", "2.555×3", "101×2", ""])
def test_bad_sizes_are_refused_with_the_field_named(shop, text):
    body = assert_error(shop.post("admin", "/api/sizes", {"size": text}), 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["fields"][0]["field"] == "size"


def test_global_sizes_are_unique_too(shop):
    # NULL collection_id used to slip past the unique index.
    assert shop.post("admin", "/api/sizes", {"size": "5x7"}).status_code == 201
    assert_error(shop.post("admin", "/api/sizes", {"size": "5*7"}), 409, "CONFLICT")
    mine = {"size": "5×7", "collection_id": str(shop.collection.id)}
    assert shop.post("admin", "/api/sizes", mine).status_code == 201
    assert_error(shop.post("admin", "/api/sizes", mine), 409, "CONFLICT")


def test_sizes_of_a_collection_include_those_for_all(shop):
    other = shop.post("admin", "/api/collections", {"name": "Izmir"}).json()["data"]
    shop.post("admin", "/api/sizes", {"size": "1.6x2.3", "collection_id": other["id"]})
    shop.post("admin", "/api/sizes", {"size": "1x1.5", "collection_id": str(shop.collection.id)})
    everything = [s["size"] for s in shop.get("plain_a", "/api/sizes").json()["data"]]
    assert everything == ["1×1.5", "1.6×2.3", "2×3", "2×4", "3×4"]  # by width, then height
    izmir = shop.get("plain_a", "/api/sizes", collection="izmir").json()["data"]
    assert [s["size"] for s in izmir] == ["1.6×2.3", "2×3", "2×4", "3×4"]
    only = shop.get("plain_a", "/api/sizes", collection_id=other["id"], include_global=False)
    assert [s["size"] for s in only.json()["data"]] == ["1.6×2.3"]
    assert shop.get("plain_a", "/api/sizes", collection="nope").json()["data"] == []


def test_size_update_and_delete_are_admin_only(shop):
    size = shop.post("admin", "/api/sizes", {"size": "6x9"}).json()["data"]
    url = f"/api/sizes/{size['id']}"
    assert_error(shop.put("editor_a", url, {"size": "6x8"}), 403, "FORBIDDEN")
    moved = shop.put("admin", url, {"size": "6*8", "collection_id": str(shop.collection.id)})
    assert moved.json()["data"]["size"] == "6×8"
    assert moved.json()["data"]["collection_id"] == str(shop.collection.id)
    back = shop.put("admin", url, {"collection_id": None})
    assert back.json()["data"]["collection_id"] is None
    assert_error(shop.put("admin", url, {"size": "2x3"}), 409, "CONFLICT")
    assert_error(shop.delete("plain_a", url), 403, "FORBIDDEN")
    assert shop.delete("admin", url).status_code == 200
    assert_error(shop.get("admin", url), 404, "NOT_FOUND")


def test_size_for_an_unknown_collection_is_a_validation_error(shop):
    body = assert_error(
        shop.post(
            "admin",
            "/api/sizes",
            {"size": "2x3", "collection_id": "00000000-0000-0000-0000-000000000001"},
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert body["error"]["details"]["fields"][0]["field"] == "collection_id"


def test_master_data_needs_a_token(client):
    assert_error(client.get("/api/collections"), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/sizes"), 401, "UNAUTHORIZED")
