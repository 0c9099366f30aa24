"""Light answers for phones on weak mobile data: gzip above 1 KB, ETag and 304 on catalog reads."""

from __future__ import annotations

import gzip

import pytest
from fastapi.responses import StreamingResponse

from tests.factories import TwoBranches, assert_ok

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _raw(shop, who, url, extra, **params):
    """The answer as it went on the wire (httpx would otherwise decode it)."""
    with shop.client.stream(
        "GET", url, params=params, headers=shop.headers[who] | extra
    ) as response:
        return response, b"".join(response.iter_raw())


def test_a_large_answer_is_gzipped_when_accepted_and_reads_the_same(shop):
    for n in range(30):
        shop.product(name=f"Lara {n}")
    plain, plain_body = _raw(shop, "admin", "/api/products", IDENTITY, page_size=30)
    zipped, zipped_body = _raw(shop, "admin", "/api/products", GZIP, page_size=30)
    assert len(plain_body) > 1024
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert len(zipped_body) < len(plain_body) / 3
    decoded = gzip.decompress(zipped_body)
    assert decoded.split(b'"timestamp"')[0] == plain_body.split(b'"timestamp"')[0]


def test_a_small_answer_is_sent_as_it_is(shop):
    shop.product(name="Lara")
    response, body = _raw(shop, "admin", "/api/collections", GZIP)
    assert len(body) < 1024
    assert "content-encoding" not in response.headers
    assert b'"success":true' in body


def test_a_streamed_download_is_compressed_as_it_streams(shop, app):
    lines = [f"{n},Lara {n},150000.00\n".encode() for n in range(2000)]

    async def download() -> StreamingResponse:
        async def rows():
            for line in lines:
                yield line

        return StreamingResponse(rows(), media_type="text/csv")

    app.add_api_route("/test-download.csv", download)
    response, body = _raw(shop, "admin", "/test-download.csv", GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == b"".join(lines)
    # And the client that asked for nothing gets the file as it is.
    plain = shop.client.get("/test-download.csv", headers=IDENTITY)
    assert plain.content == b"".join(lines)


CATALOG_READS = [
    "/api/products",
    "/api/products/{product}",
    "/api/collections",
    "/api/collections/{collection}",
    "/api/sizes",
    "/api/sizes/{size}",
    "/api/catalog/facets",
]


@pytest.mark.parametrize("path", CATALOG_READS)
def test_a_catalog_read_the_phone_already_has_is_304(shop, path):
    product = shop.product(name="Lara")
    size_id = assert_ok(shop.get("admin", "/api/sizes"))[0]["id"]
    url = path.format(product=product.id, collection=shop.collection.id, size=size_id)
    first = shop.get("plain_a", url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert "private" in first.headers["cache-control"]
    again = shop.client.get(url, headers=shop.headers["plain_a"] | {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # A tag the phone does not hold gets the whole answer.
    other = shop.client.get(url, headers=shop.headers["plain_a"] | {"If-None-Match": 'W/"x"'})
    assert other.status_code == 200
    assert other.headers["etag"] == etag


def test_a_change_gives_the_page_a_new_tag(shop):
    product = shop.product(name="Lara", quantity=3, buy_price=200, sell_price=300)
    url = "/api/products"
    etag = shop.get("plain_a", url).headers["etag"]
    headers = shop.headers["plain_a"] | {"If-None-Match": etag}
    assert shop.client.get(url, headers=headers).status_code == 304
    sale = {"product_id": str(product.id), "quantity": 1, "amount": 300, "payment_type": "cash"}
    assert_ok(shop.post("plain_a", "/api/sales", sale), 201)
    changed = shop.client.get(url, headers=headers)
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["data"][0]["quantity"] == 2
    one = f"/api/products/{product.id}"
    one_tag = shop.get("plain_a", one).headers["etag"]
    shop.put("admin", one, {"sell_price": 350})
    refreshed = shop.client.get(one, headers=shop.headers["plain_a"] | {"If-None-Match": one_tag})
    assert refreshed.status_code == 200
    assert refreshed.json()["data"]["sell_price"] == 350


def test_the_director_and_a_seller_never_share_a_tag(shop):
    shop.product(name="Lara")
    admin = shop.get("admin", "/api/products").headers["etag"]
    seller = shop.get("plain_a", "/api/products").headers["etag"]
    assert admin != seller
    # The seller's phone holding the director's tag still gets the seller's page.
    response = shop.client.get(
        "/api/products", headers=shop.headers["plain_a"] | {"If-None-Match": admin}
    )
    assert response.status_code == 200
    assert "buy_price" not in response.json()["data"][0]


def test_another_page_or_size_of_the_same_rows_is_another_tag(shop):
    shop.product(name="Lara")
    first = shop.get("admin", "/api/products", page_size=10).headers["etag"]
    second = shop.get("admin", "/api/products", page_size=20).headers["etag"]
    assert first != second
