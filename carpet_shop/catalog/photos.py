"""Product photos: checked by decoding them, re-encoded clean, stored as files under /uploads.

Whatever arrives (multipart or base64) is decoded with Pillow, so a file is an image because
Pillow can read it, not because of its name. The stored JPEGs are new images made from the
pixels only: no EXIF (camera, GPS), no ICC profile, no comments.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from carpet_shop.core.errors import PayloadTooLarge, ValidationFailed
from carpet_shop.core.i18n import Message

URL_PREFIX = "/uploads"
FOLDER = "products"
FULL_SIDE = 1600
THUMB_SIDE = 300
# Pixels, not bytes: a tiny PNG can claim 50000×50000 and exhaust memory when decoded.
MAX_PIXELS = 40_000_000
# Phones' multi-picture JPEGs (MPO) open through the JPEG plugin.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
_UPLOADED = re.compile(rf"^{URL_PREFIX}/{FOLDER}/([0-9a-f]{{32}})_full\.jpg$")
_DATA_URL = re.compile(r"^data:image/[A-Za-z0-9.+-]+;base64,", re.IGNORECASE)
_DECODE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
)


@dataclass(frozen=True)
class StoredPhoto:
    url: str
    thumb_url: str
    width: int
    height: int


def _not_an_image(field: str) -> ValidationFailed:
    return ValidationFailed.field(
        field, Message("Not a readable image ({names})", names=", ".join(FORMATS))
    )


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency becomes white, as on a shop's page."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _bare(image: Image.Image, side: int) -> Image.Image:
    resized = image.copy()
    resized.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the original's metadata comes along.
    return Image.frombytes("RGB", resized.size, resized.tobytes())


def decode(data: bytes, field: str) -> tuple[Image.Image, Image.Image]:
    """The full image and the thumbnail, or a 422 naming `field`."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as source:
                if source.width * source.height > MAX_PIXELS:
                    raise ValidationFailed.field(
                        field, Message("The image has more than {limit} pixels", limit=MAX_PIXELS)
                    )
                source.seek(0)
                upright = ImageOps.exif_transpose(source)
                pixels = _flatten(upright)
        except _DECODE_ERRORS as exc:
            raise _not_an_image(field) from exc
    return _bare(pixels, FULL_SIDE), _bare(pixels, THUMB_SIDE)


@dataclass(frozen=True)
class _Encoded:
    """A photo decoded and re-encoded, ready to be written."""

    full: bytes
    thumb: bytes
    width: int
    height: int


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


class PhotoStore:
    """Stores product photos. Decoding one is slow (tens of milliseconds for a phone's
    photo), so a route may `prepare` the photo of its body before its transaction starts
    (catalog.dependencies): the service's `accept` then only writes the files, and a failure
    found ahead is raised there, where it would have been."""

    def __init__(self, uploads_dir: str | Path, max_bytes: int):
        self.folder = Path(uploads_dir) / FOLDER
        self.max_bytes = max_bytes
        self._prepared: dict[str, _Encoded | Exception] = {}

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            Message("A photo may be at most {max_bytes} bytes", max_bytes=self.max_bytes),
            details={"limit_bytes": self.max_bytes},
        )

    def _encoded(self, data: bytes, field: str) -> _Encoded:
        if len(data) > self.max_bytes:
            raise self._too_large()
        if not data:
            raise ValidationFailed.field(field, "The file is empty")
        full, thumb = decode(data, field)
        return _Encoded(_jpeg(full), _jpeg(thumb), full.width, full.height)

    def _write(self, data: bytes, path: Path) -> None:
        temporary = path.with_name(path.name + ".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def _store(self, encoded: _Encoded) -> StoredPhoto:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex
        self._write(encoded.full, self.folder / f"{name}_full.jpg")
        self._write(encoded.thumb, self.folder / f"{name}_thumb.jpg")
        return StoredPhoto(
            url=f"{URL_PREFIX}/{FOLDER}/{name}_full.jpg",
            thumb_url=f"{URL_PREFIX}/{FOLDER}/{name}_thumb.jpg",
            width=encoded.width,
            height=encoded.height,
        )

    def save_bytes(self, data: bytes, field: str = "file") -> StoredPhoto:
        return self._store(self._encoded(data, field))

    def _base64_encoded(self, photo: str, field: str) -> _Encoded:
        text = _DATA_URL.sub("", photo, count=1)
        text = "".join(text.split())
        # Refuse before decoding: base64 is 4 characters for every 3 bytes.
        if len(text) // 4 * 3 > self.max_bytes + 2:
            raise self._too_large()
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed.field(
                field, "Send a base64 image, or the URL returned by /api/upload/product-photo"
            ) from exc
        return self._encoded(data, field)

    def prepare(self, photo: str, field: str = "photo") -> None:
        """Decode a base64 `photo` now, for `accept` to store later (or to raise what was
        wrong with it, at the moment it would have been found)."""
        if _UPLOADED.match(photo) is not None or photo in self._prepared:
            return
        try:
            self._prepared[photo] = self._base64_encoded(photo, field)
        except (ValidationFailed, PayloadTooLarge) as exc:
            self._prepared[photo] = exc

    def accept(self, photo: str, field: str = "photo") -> StoredPhoto:
        """A product's `photo`: the URL an upload returned, or a base64 image to store."""
        uploaded = _UPLOADED.match(photo)
        if uploaded is not None:
            name = uploaded.group(1)
            full_path = self.folder / f"{name}_full.jpg"
            if not full_path.is_file():
                raise ValidationFailed.field(field, "No uploaded photo has this URL")
            with Image.open(full_path) as image:
                width, height = image.size
            return StoredPhoto(
                photo, f"{URL_PREFIX}/{FOLDER}/{name}_thumb.jpg", width=width, height=height
            )
        prepared = self._prepared.pop(photo, None)
        if isinstance(prepared, Exception):
            raise prepared
        return self._store(prepared or self._base64_encoded(photo, field))
