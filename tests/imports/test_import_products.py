"""Product import: a preview that writes nothing, a commit that applies it once."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import Product
from tests.factories import TwoBranches, assert_error

HEADER = "name,category,collection,type,buy_price,sell_price,quantity,sizes,branch"


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def upload(shop, content: bytes, filename="products.csv", who="admin"):
    return shop.client.post(
        "/api/import/products",
        files={"file": (filename, content, "text/csv")},
        headers=shop.headers[who],
    )


def products(db) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Product)) or 0)


def good_and_bad(shop) -> str:
    c, a = shop.collection.name, shop.branch_a.name
    return "\n".join(
        [
            HEADER,
            f"Lara bej,Gilamlar,{c},unit,100000,150000,4,2×3;3×4,{a}",
            f"O‘zbek naqsh,gilamlar,{c},dona,120 000,180 000,2,2x3,{a.upper()}",
            f"Metraj kulrang,Metrajlar,{c},meter,50000,80000,25.50,,{a}",
            f"Yomon,Nimadir,{c},unit,abc,150000,1,9×9,{a}",
            f"No branch,Gilamlar,{c},unit,100,150,1,2×3,Yunusobod",
            "",
            ",,,,,,,,",
        ]
    )


def test_a_preview_writes_nothing_and_the_commit_imports_once(shop, db):
    before = products(db)
    content = ("\ufeff" + good_and_bad(shop)).encode()
    response = upload(shop, content)
    assert response.status_code == 201, response.text
    preview = response.json()["data"]
    assert preview["totals"] == {"rows": 5, "create": 3, "update": 0, "error": 2}
    rows = {r["line"]: r for r in preview["rows"]}
    assert rows[2]["action"] == "create" and rows[3]["action"] == "create"
    bad = {e["field"] for e in rows[5]["errors"]}
    assert bad == {"category", "buy_price", "sizes"}  # every problem of the row at once
    assert [e["field"] for e in rows[6]["errors"]] == ["branch"]
    assert "same name" in preview["match_rule"]
    assert products(db) == before  # nothing imported yet

    url = f"/api/import/{preview['id']}/commit"
    committed = shop.post("admin", url)
    assert committed.status_code == 200, committed.text
    result = committed.json()["data"]
    assert (result["created"], result["updated"], result["skipped_errors"]) == (3, 0, 2)
    assert products(db) == before + 3
    assert_error(shop.post("admin", url), 409, "CONFLICT")
    assert products(db) == before + 3

    listed = shop.get("admin", "/api/products", q="metraj").json()["data"]
    assert listed[0]["remaining_length"] == 25.5 and listed[0]["sell_price_per_meter"] == 80000
    with db.transaction() as session:
        created = session.scalar(
            select(func.count()).where(
                AuditLog.entity_type == "product", AuditLog.action == "CREATE"
            )
        )
    assert created == 3

    # The same file again: the rows now match the products made, and update them.
    again = upload(shop, content).json()["data"]
    assert again["totals"] == {"rows": 5, "create": 0, "update": 3, "error": 2}


def test_an_update_sets_prices_and_stock(shop, db):
    product = shop.product(name="Lara bej", quantity=1, buy_price=90_000, sell_price=140_000)
    c, a = shop.collection.name, shop.branch_a.name
    body = f"{HEADER}\nlara BEJ,Gilamlar,{c},unit,100000,150000,7,2×3,{a}\n".encode()
    preview = upload(shop, body).json()["data"]
    assert preview["rows"][0]["action"] == "update"
    assert preview["rows"][0]["product_id"] == str(product.id)
    assert shop.post("admin", f"/api/import/{preview['id']}/commit").status_code == 200
    now = shop.get("admin", f"/api/products/{product.id}").json()["data"]
    assert (now["quantity"], now["sell_price"], now["buy_price"]) == (7, 150000, 100000)


def test_a_preview_expires_after_30_minutes(shop, clock):
    c, a = shop.collection.name, shop.branch_a.name
    body = f"{HEADER}\nLara,Gilamlar,{c},unit,100000,150000,1,2×3,{a}\n".encode()
    preview = upload(shop, body).json()["data"]
    clock.advance(timedelta(minutes=31))
    error = assert_error(shop.post("admin", f"/api/import/{preview['id']}/commit"), 409, "CONFLICT")
    assert error["error"]["details"]["reason"] == "expired"


def test_only_the_director_imports(shop):
    body = f"{HEADER}\n".encode()
    assert_error(upload(shop, body, who="editor_a"), 403, "FORBIDDEN")
    missing = "00000000-0000-0000-0000-000000000001"
    assert_error(shop.post("admin", f"/api/import/{missing}/commit"), 404, "NOT_FOUND")


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_previews_like_a_csv(shop):
    c, a = shop.collection.name, shop.branch_a.name
    content = _xlsx(
        [HEADER.split(","), ["Lara", "Gilamlar", c, "unit", 100000, 150000.0, 3, "2×3", a]]
    )
    response = upload(shop, content, "katalog.xlsx")
    assert response.status_code == 201, response.text
    assert response.json()["data"]["totals"]["create"] == 1


@pytest.mark.parametrize(
    ("content", "filename", "status", "says"),
    [
        (
            "name;category\n".encode("cp1251") + "Ковёр;Gilamlar\n".encode("cp1251"),
            "a.csv",
            422,
            "UTF-8",
        ),
        (b"name,category\nLara,Gilamlar\n", "a.csv", 422, "Missing columns"),
        (b"", "a.csv", 422, "empty"),
        (f"{HEADER}\n".encode(), "a.csv", 422, "no product rows"),
        (b"just some text", "a.xlsx", 422, "not an XLSX"),
        (b"PK\x03\x04 broken zip", "a.xlsx", 422, "not an XLSX"),
        ((HEADER + "\n" + ",,,,,,,,\n" * 100_000).encode(), "a.csv", 413, "rows"),
    ],
)
def test_malformed_files_are_refused_clearly(shop, db, content, filename, status, says):
    before = products(db)
    response = upload(shop, content, filename)
    code = "PAYLOAD_TOO_LARGE" if status == 413 else "VALIDATION_ERROR"
    error = assert_error(response, status, code)
    assert says in error["error"]["message"]
    assert products(db) == before


def test_a_formula_cell_is_refused(shop):
    c, a = shop.collection.name, shop.branch_a.name
    csv_body = f'{HEADER}\n"=HYPERLINK(""http://x"",""y"")",Gilamlar,{c},unit,1,2,1,2×3,{a}\n'
    error = assert_error(upload(shop, csv_body.encode()), 422, "VALIDATION_ERROR")
    assert "A2" in error["error"]["message"] and "formula" in error["error"]["message"]
    content = _xlsx(
        [HEADER.split(","), ["Lara", "Gilamlar", c, "unit", 1, 2, 1, "2×3", '=HYPERLINK("x")']]
    )
    error = assert_error(upload(shop, content, "a.xlsx"), 422, "VALIDATION_ERROR")
    assert "I2" in error["error"]["message"]


def test_a_zip_bomb_dressed_as_xlsx_is_refused(shop):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < 200_000
    assert_error(upload(shop, content, "big.xlsx"), 413, "PAYLOAD_TOO_LARGE")


def test_a_commit_racing_a_second_commit_imports_once(shop, db, database_url, app):
    c, a = shop.collection.name, shop.branch_a.name
    lines = [HEADER] + [f"Gilam {i},Gilamlar,{c},unit,100,150,1,2×3,{a}" for i in range(30)]
    preview = upload(shop, "\n".join(lines).encode()).json()["data"]
    before = products(db)
    url = f"/api/import/{preview['id']}/commit"
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def commit() -> None:
        barrier.wait()
        answers.append(shop.post("admin", url).status_code)

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 409]
    assert products(db) == before + 30
