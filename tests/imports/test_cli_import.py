"""`carpet-shop import products FILE [--commit]`, as an operator runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from carpet_shop.catalog.models import Product
from carpet_shop.cli import app as cli_app
from carpet_shop.core.config import get_settings
from tests.conftest import TEST_SECRET

HEADER = "name,category,collection,type,buy_price,sell_price,quantity,sizes,branch"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LANGUAGE", "en")
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(cli_app, list(args))
    get_settings.cache_clear()


def count(db) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Product)) or 0)


def test_check_then_commit_from_the_command_line(run, factory, db, tmp_path: Path):
    factory.admin()
    branch = factory.branch(name="Chilonzor filiali")
    collection = factory.default_collection()
    factory.ensure_sizes(["2×3"])
    file = tmp_path / "katalog.csv"
    file.write_text(
        f"{HEADER}\nLara,Gilamlar,{collection.name},unit,100000,150000,3,2×3,{branch.name}\n"
        f"Bad,Gilamlar,{collection.name},unit,x,150000,3,2×3,{branch.name}\n",
        encoding="utf-8-sig",
    )
    checked = run("import", "products", str(file))
    assert checked.exit_code == 0, checked.output
    assert "2 rows: 1 to create, 0 to update, 1 with errors" in checked.output
    assert "buy_price: Not a number" in checked.output
    assert "Nothing imported" in checked.output
    assert count(db) == 0

    done = run("import", "products", str(file), "--commit")
    assert done.exit_code == 0, done.output
    assert "Imported: 1 created, 0 updated, 1 rows with errors skipped" in done.output
    assert count(db) == 1


def test_a_bad_file_is_a_message_not_a_traceback(run, factory, tmp_path: Path):
    factory.admin()
    file = tmp_path / "bad.csv"
    file.write_bytes("name;category\nКовёр;x\n".encode("cp1251"))
    result = run("import", "products", str(file))
    assert result.exit_code == 1
    assert "not UTF-8" in result.output and "Traceback" not in result.output
    missing = run("import", "products", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "Cannot read" in missing.output


def test_the_file_s_problems_are_said_in_the_shop_s_language(run, factory, monkeypatch, tmp_path):
    factory.admin()
    monkeypatch.setenv("LANGUAGE", "ru")
    get_settings.cache_clear()
    file = tmp_path / "bad.csv"
    file.write_bytes("name;category\nКовёр;x\n".encode("cp1251"))
    result = run("import", "products", str(file))
    assert result.exit_code == 1
    assert "Файл не в кодировке UTF-8" in result.output
