"""GET /api/sales/{id}/receipt: the printable receipt, HTML or PDF, 58 or 80 mm, in the caller's
language; a seller prints only their branch's receipts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta

import pytest

from tests.factories import TwoBranches, assert_error, assert_ok

RU = {"Accept-Language": "ru"}
UZ = {"Accept-Language": "uz"}


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _credit_sale(shop):
    lara = shop.product(name="Lara bej", quantity=5, buy_price=100_000, sell_price=150_000)
    deadline = (shop.factory.today() + timedelta(days=30)).isoformat()
    body = {
        "items": [{"product_id": str(lara.id), "quantity": 2, "amount": 290_000}],
        "payments": [
            {"payment_type": "cash", "amount": 90_000},
            {"payment_type": "debt", "amount": 200_000},
        ],
        "customer_name": "Dilnoza Yusupova",
        "customer_phone": "+998901234567",
        "debt_deadline": deadline,
    }
    return assert_ok(shop.post("plain_a", "/api/sales", body), 201), deadline


def _receipt(shop, who, sale_id, headers=None, **params):
    return shop.client.get(
        f"/api/sales/{sale_id}/receipt",
        params=params,
        headers=shop.headers[who] | (headers or {}),
    )


def _pdftotext(pdf: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        message = "pdftotext (poppler-utils) is not installed: run scripts/client-tools"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603 (a fixed tool on our own file)
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_the_html_receipt_has_everything_a_customer_takes_home(shop):
    sale, deadline = _credit_sale(shop)
    response = _receipt(shop, "plain_a", sale["id"], RU)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for expected in [
        sale["receipt_number"],
        shop.branch_a.name,
        sale["seller_name"],
        "Lara bej 2×3",
        "2 шт × 145 000.00",
        "290 000.00 сум",
        "Наличные",
        "90 000.00",
        "В долг: 200 000.00 сум",
        f"до {deadline[8:10]}.{deadline[5:7]}.{deadline[:4]}",
        "Dilnoza Yusupova",
        "Итого",
    ]:
        assert expected in page, expected
    # Shop time: the frozen clock is 10:00 in Tashkent.
    assert re.search(r"10\.03\.2026 10:00", page)
    assert "data:image/svg+xml" in page  # the QR code, inside the page
    assert not re.search(r"(src|href)=['\"]https?:", page)
    assert "buy" not in page.lower() and "100 000.00" not in page


def test_the_pdf_receipt_reads_back_in_the_callers_language(shop, tmp_path):
    sale, _ = _credit_sale(shop)
    response = _receipt(shop, "plain_a", sale["id"], UZ, format="pdf", paper=58)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert sale["receipt_number"] in response.headers["content-disposition"]
    text = _pdftotext(response.content, tmp_path)
    for expected in [sale["receipt_number"], "Lara bej", "Jami", "290 000.00 soʻm", "Nasiyaga"]:
        assert expected in text, (expected, text)


@pytest.mark.parametrize(("paper", "points"), [(58, 164.4), (80, 226.8)])
def test_the_pdf_page_is_as_wide_as_the_roll(shop, paper, points):
    sale, _ = _credit_sale(shop)
    pdf = _receipt(shop, "admin", sale["id"], format="pdf", paper=paper).content
    box = re.search(rb"/MediaBox\s*\[\s*0[.0]*\s+0[.0]*\s+([\d.]+)\s+([\d.]+)", pdf)
    assert box is not None
    assert abs(float(box.group(1)) - points) < 0.5
    assert float(box.group(2)) > float(box.group(1))  # a strip, longer than wide


def test_a_seller_prints_only_their_branchs_receipts(shop):
    sale, _ = _credit_sale(shop)
    assert_error(_receipt(shop, "editor_b", sale["id"]), 403, "FORBIDDEN")
    assert _receipt(shop, "editor_a", sale["id"]).status_code == 200
    assert _receipt(shop, "admin", sale["id"], format="pdf").status_code == 200


def test_an_unknown_sale_or_format_is_refused(shop):
    sale, _ = _credit_sale(shop)
    missing = "0190a6f2-7c1e-7a3b-9f00-4c2d8e1a5b6c"
    assert_error(_receipt(shop, "admin", missing), 404, "NOT_FOUND")
    assert_error(_receipt(shop, "admin", sale["id"], format="xml"), 422, "VALIDATION_ERROR")
    assert_error(_receipt(shop, "admin", sale["id"], paper=70), 422, "VALIDATION_ERROR")
    assert_error(shop.client.get(f"/api/sales/{sale['id']}/receipt"), 401, "UNAUTHORIZED")
