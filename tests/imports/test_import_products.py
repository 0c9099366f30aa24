"""Product import: a preview that writes nothing, a commit that applies it once."""

from __future__ import annotations

import io
import threading
import uuid
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import event, func, select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import Product
from carpet_shop.imports import service as imports_service
from carpet_shop.inventory.models import StockMovement
from tests.factories import LEFT_OUT, TwoBranches, assert_error

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


def _trail(db, product_id):
    """What a product's creation left: its row, audit entries and stock movements, without
    what differs between any two products (ids, names, times)."""
    with db.transaction() as session:
        product = session.get(Product, product_id)
        row = {
            c: getattr(product, c)
            for c in ("category", "type", "buy_price", "sell_price", "sell_price_per_meter",
                      "quantity", "total_length", "remaining_length", "available_sizes",
                      "needs_count", "branch_id", "collection_id")
        }  # fmt: skip
        sizes = sorted(
            (r.size, r.quantity, r.total_length, r.remaining_length) for r in product.size_rows
        )
        audits = [
            (
                a.action,
                a.user_id,
                a.entity_type,
                {k: v for k, v in a.changes.items() if k != "name"},
            )
            for a in session.scalars(select(AuditLog).where(AuditLog.entity_id == product_id))
        ]
        movements = [
            (m.kind, m.size, m.delta, m.balance_after, m.branch_id, m.document_type,
             m.document_id == product_id, m.user_id, m.reason)
            for m in session.scalars(
                select(StockMovement).where(StockMovement.product_id == product_id)
            )
        ]  # fmt: skip
    return row, sizes, audits, movements


def test_rows_created_together_are_what_single_creates_make(shop, db, monkeypatch):
    # Batches of two, and an update between them: every path of the commit.
    monkeypatch.setattr(imports_service, "CREATE_BATCH", 2)
    existing = shop.product(name="Eski", quantity=1)
    c, a = shop.collection.name, shop.branch_a.name
    rows = [
        ("Bir", "Gilamlar", "unit", "100000", "150000", "4", "2×3;3×4"),
        ("Ikki", "Metrajlar", "meter", "50000", "80000", "25.50", ""),
        ("Eski", "Gilamlar", "unit", "90000", "140000", "6", "2×3"),
        ("Uch", "Gilamlar", "unit", "100000", "150000", "0", "2×4"),
        ("To‘rt", "Paloslar", "unit", "120000", "180000", "3", ""),
    ]
    body = "\n".join(
        [HEADER] + [f"{n},{cat},{c},{t},{b},{sp},{q},{sz},{a}" for n, cat, t, b, sp, q, sz in rows]
    )
    preview = upload(shop, body.encode()).json()["data"]
    assert preview["totals"] == {"rows": 5, "create": 4, "update": 1, "error": 0}
    committed = shop.post("admin", f"/api/import/{preview['id']}/commit")
    assert committed.status_code == 200, committed.text
    result = committed.json()["data"]
    assert (result["created"], result["updated"]) == (4, 1)
    imported = [uuid.UUID(i) for i in result["product_ids"]]
    assert imported[2] == existing.id  # in the file's order

    for (name, category, kind, buy, sell, quantity, sizes), product_id in zip(
        rows, imported, strict=True
    ):
        if name == "Eski":
            continue
        single = shop.product_json(
            name=f"{name} alone", category=category, type=kind, buy_price=buy,
            available_sizes=[s for s in sizes.split(";") if s],
            **({"sell_price_per_meter": sell, "sell_price": LEFT_OUT, "total_length": quantity,
                "quantity": 0}
               if kind == "meter" else {"sell_price": sell, "quantity": int(quantity)}),
        )  # fmt: skip
        made = shop.post("admin", "/api/products", single)
        assert made.status_code == 201, made.text
        alone = _trail(db, uuid.UUID(made.json()["data"]["id"]))
        assert _trail(db, product_id) == alone
        # One audit entry per product; one initial movement per product holding stock.
        assert len(alone[2]) == 1 and len(alone[3]) == (1 if Decimal(quantity) else 0)


def test_a_row_refused_at_commit_names_its_line_and_nothing_is_imported(shop, db, monkeypatch):
    monkeypatch.setattr(imports_service, "CREATE_BATCH", 2)
    gone = shop.post("admin", "/api/collections", {"name": "Ketadi"}).json()["data"]
    c, a = shop.collection.name, shop.branch_a.name
    lines = [HEADER] + [
        f"Gilam {i},Gilamlar,{c if i < 3 else 'Ketadi'},unit,100,150,1,,{a}" for i in range(5)
    ]
    preview = upload(shop, "\n".join(lines).encode()).json()["data"]
    assert preview["totals"]["create"] == 5
    before = products(db)
    assert shop.delete("admin", f"/api/collections/{gone['id']}").status_code == 200
    error = assert_error(shop.post("admin", f"/api/import/{preview['id']}/commit"), 409, "CONFLICT")
    # The first row of the deleted collection: the second of its batch, the file's line 5.
    assert error["error"]["details"]["line"] == 5
    assert error["error"]["details"]["error"]["code"] == "VALIDATION_ERROR"
    assert products(db) == before


def test_a_commit_reads_the_branch_and_collection_once(shop, db, monkeypatch):
    """Branches and collections are held for the transaction (core.repository
    `held_for_transaction`): the rows' products look them up by id again and again, and
    each look-up must be answered by the session, not the database, from batch to batch."""
    monkeypatch.setattr(imports_service, "CREATE_BATCH", 2)
    c, a = shop.collection.name, shop.branch_a.name
    lines = [HEADER] + [f"Gilam {i},Gilamlar,{c},unit,100,150,1,2×3,{a}" for i in range(40)]
    preview = upload(shop, "\n".join(lines).encode()).json()["data"]
    read: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        text = statement.lower()
        for table in ("branches", "collections"):
            if f"from {table}" in text:
                read.append(table)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        committed = shop.post("admin", f"/api/import/{preview['id']}/commit")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert committed.status_code == 200, committed.text
    assert committed.json()["data"]["created"] == 40
    assert read.count("branches") <= 1 and read.count("collections") <= 1, read
