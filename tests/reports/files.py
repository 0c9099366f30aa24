"""Reading the reports' files back the way a spreadsheet or an accountant's script would."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from carpet_shop.reports.files import unescape_text

BOM = "\ufeff"


def csv_rows(content: bytes) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The data rows (dicts by header) and the totals row, of a report's CSV."""
    text = content.decode("utf-8")
    assert text.startswith(BOM), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    return rows[:-1], rows[-1]


def xlsx_rows(content: bytes) -> tuple[list[str], list[tuple[Any, ...]], tuple[Any, ...], Any]:
    """Header titles, data rows, totals row, and the sheet (for formats and filters)."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return list(values[0]), values[1:-1], values[-1], sheet


def same_value(json_value: Any, csv_value: str, kind: str) -> bool:
    if json_value is None:
        return csv_value == ""
    if kind in ("money", "quantity", "percent", "integer"):
        return Decimal(str(json_value)) == Decimal(csv_value)
    if kind == "bool":
        return csv_value == ("true" if json_value else "false")
    return unescape_text(csv_value) == json_value
