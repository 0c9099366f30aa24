from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from tests.factories import LEFT_OUT, TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def png_bytes(size=(2000, 1000), mode="RGBA") -> bytes:
    image = Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else 0)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made on the shop owner's laptop")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    """400×200 pixels, EXIF camera and GPS, and orientation 6 (shown rotated 90°)."""
    image = Image.new("RGB", (400, 200), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif.get_ifd(0x8825)[2] = (41.0, 17.0, 0.0)  # GPSLatitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif()[0x010F] == "PhoneMaker"
    return data


def upload(shop, who, data, name="photo.jpg", content_type="image/jpeg"):
    return shop.client.post(
        "/api/upload/product-photo",
        files={"file": (name, data, content_type)},
        headers=shop.headers[who],
    )


def stored(shop, url) -> Image.Image:
    response = shop.client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    return Image.open(io.BytesIO(response.content))


def assert_clean(image: Image.Image) -> None:
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "Comment"} & set(image.info)


def test_a_png_is_re_encoded_as_clean_jpegs_full_and_thumbnail(shop):
    response = upload(shop, "editor_a", png_bytes(), "photo.png", "image/png")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["url"].startswith("/uploads/products/") and data["url"].endswith("_full.jpg")
    assert (data["width"], data["height"]) == (1600, 800)
    full, thumb = stored(shop, data["url"]), stored(shop, data["thumb_url"])
    assert full.size == (1600, 800) and thumb.size == (300, 150)
    assert_clean(full)
    assert_clean(thumb)
    # Transparency became white, not black.
    assert full.convert("RGB").getpixel((10, 10))[1] > 100


def test_a_jpeg_loses_its_exif_and_is_turned_upright(shop):
    response = upload(shop, "admin", jpeg_with_exif())
    assert response.status_code == 201, response.text
    full = stored(shop, response.json()["data"]["url"])
    assert_clean(full)
    assert full.size == (200, 400)


def test_the_name_does_not_make_a_file_an_image(shop):
    body = assert_error(
        upload(shop, "admin", b"just some text, not a picture\n" * 10), 422, "VALIDATION_ERROR"
    )
    assert body["error"]["details"]["fields"][0]["field"] == "file"
    assert_error(upload(shop, "admin", b""), 422, "VALIDATION_ERROR")
    truncated = jpeg_with_exif()[:300]
    assert_error(upload(shop, "admin", truncated), 422, "VALIDATION_ERROR")


def test_over_the_limit_is_payload_too_large(shop):
    # Random bytes: were the size not checked first, this would be a 422 (not an image).
    body = assert_error(
        upload(shop, "admin", os.urandom(5 * 1024 * 1024 + 1)), 413, "PAYLOAD_TOO_LARGE"
    )
    assert body["error"]["details"]["limit_bytes"] == 5 * 1024 * 1024


def test_a_decompression_bomb_is_refused(shop):
    # A few kilobytes of PNG that would decode to 50 million pixels.
    bomb = png_bytes(size=(10_000, 5_000), mode="1")
    assert len(bomb) < 100_000
    assert_error(upload(shop, "admin", bomb, "bomb.png", "image/png"), 422, "VALIDATION_ERROR")


def test_who_may_upload(shop, client):
    assert_error(upload(shop, "plain_a", png_bytes((50, 50))), 403, "FORBIDDEN")
    assert upload(shop, "editor_b", png_bytes((50, 50))).status_code == 201
    assert_error(
        client.post("/api/upload/product-photo", files={"file": ("a.png", png_bytes((5, 5)))}),
        401,
        "UNAUTHORIZED",
    )
    assert_error(
        client.post("/api/upload/product-photo", headers=shop.headers["admin"]),
        422,
        "VALIDATION_ERROR",
    )


def test_a_base64_photo_in_product_json_becomes_files(shop, settings):
    encoded = base64.b64encode(jpeg_with_exif()).decode()
    for photo in (encoded, f"data:image/jpeg;base64,{encoded}"):
        created = shop.post("admin", "/api/products", shop.product_json(photo=photo))
        assert created.status_code == 201, created.text
        product = created.json()["data"]
        assert_clean(stored(shop, product["photo"]))
        assert stored(shop, product["photo_thumb"]).size == (150, 300)
        name = Path(product["photo"]).name
        assert (Path(settings.uploads_dir) / "products" / name).is_file()


def test_an_uploaded_url_is_a_product_photo_and_null_removes_it(shop):
    uploaded = upload(shop, "editor_a", png_bytes((640, 480))).json()["data"]
    created = shop.post(
        "editor_a", "/api/products", shop.product_json(buy_price=LEFT_OUT, photo=uploaded["url"])
    )
    product = created.json()["data"]
    assert (product["photo"], product["photo_thumb"]) == (uploaded["url"], uploaded["thumb_url"])
    cleared = shop.put("editor_a", f"/api/products/{product['id']}", {"photo": None})
    assert (cleared.json()["data"]["photo"], cleared.json()["data"]["photo_thumb"]) == (None, None)


@pytest.mark.parametrize(
    "photo",
    [
        "not base64 at all!",
        base64.b64encode(b"plain text").decode(),
        "/uploads/products/" + "0" * 32 + "_full.jpg",  # no such upload
        "https://example.com/a.jpg",
    ],
)
def test_bad_photos_in_json_are_validation_errors(shop, photo):
    body = assert_error(
        shop.post("admin", "/api/products", shop.product_json(photo=photo)),
        422,
        "VALIDATION_ERROR",
    )
    assert body["error"]["details"]["fields"][0]["field"] == "photo"
    assert shop.get("admin", "/api/products").json()["meta"]["total"] == 0


def test_an_oversized_base64_photo_is_payload_too_large(shop):
    photo = base64.b64encode(os.urandom(5 * 1024 * 1024 + 10)).decode()
    assert_error(
        shop.post("admin", "/api/products", shop.product_json(photo=photo)),
        413,
        "PAYLOAD_TOO_LARGE",
    )


def test_missing_upload_files_are_a_json_404(shop):
    assert_error(shop.client.get("/uploads/products/nothing_full.jpg"), 404, "NOT_FOUND")
