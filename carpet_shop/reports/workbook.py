"""XLSX, written with XlsxWriter in constant-memory mode.

Why XlsxWriter and not openpyxl's write-only mode: both keep one row in memory, but
XlsxWriter writes cells about twice as fast (a report is a million cells and more), and it
takes number formats, frozen panes, autofilters and column widths in the same pass.
openpyxl is kept for reading (imports, tests). An XLSX file is a zip whose directory comes
last, so the workbook is built in a temporary file and then sent in chunks; nothing of it
is held in memory.

Cells are typed: money is a number with a so'm format, dates are dates (shop time; Excel
has no time zones), flags are booleans, text is always written as text, so a cell holding
`=HYPERLINK(...)` is shown, never run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from carpet_shop.reports.table import Column, Kind, Table

MONEY_FORMAT = '#,##0.00 "so\'m"'
FILE_CHUNK = 64 * 1024


def _writer(kind: Kind, sheet: Any, fmt: Any) -> Callable[[int, int, Any], None]:
    if kind == Kind.TEXT:
        return lambda r, c, v: sheet.write_string(r, c, str(v), fmt)
    if kind in (Kind.MONEY, Kind.QUANTITY, Kind.PERCENT):
        return lambda r, c, v: sheet.write_number(r, c, v / 100, fmt)
    if kind == Kind.INTEGER:
        return lambda r, c, v: sheet.write_number(r, c, v, fmt)
    if kind == Kind.BOOL:
        return lambda r, c, v: sheet.write_boolean(r, c, bool(v), fmt)
    if kind == Kind.DATETIME:
        return lambda r, c, v: sheet.write_datetime(r, c, _naive(v), fmt)
    return lambda r, c, v: sheet.write_datetime(r, c, v, fmt)


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def _formats(book: Any, *, bold: bool) -> dict[Kind, Any]:
    base = {"bold": True} if bold else {}
    return {
        Kind.TEXT: book.add_format(base),
        Kind.MONEY: book.add_format({**base, "num_format": MONEY_FORMAT}),
        Kind.QUANTITY: book.add_format({**base, "num_format": "0.##"}),
        Kind.PERCENT: book.add_format({**base, "num_format": '0.00"%"'}),
        Kind.INTEGER: book.add_format({**base, "num_format": "0"}),
        Kind.BOOL: book.add_format(base),
        Kind.DATE: book.add_format({**base, "num_format": "yyyy-mm-dd"}),
        Kind.DATETIME: book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm:ss"}),
    }


def write_workbook(table: Table, directory: str | None = None) -> Path:
    """The report as an .xlsx in a temporary file (the caller deletes it)."""
    handle, name = tempfile.mkstemp(prefix=f"{table.name}_", suffix=".xlsx", dir=directory)
    os.close(handle)
    path = Path(name)
    try:
        _fill(table, path, directory)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _fill(table: Table, path: Path, directory: str | None) -> None:
    columns: list[Column] = list(table.columns)
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "tmpdir": directory, "default_date_format": None}
    )
    sheet = book.add_worksheet(table.name[:31])
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    plain, bold = _formats(book, bold=False), _formats(book, bold=True)
    for i, column in enumerate(columns):
        sheet.set_column(i, i, column.width)
        sheet.write_string(0, i, column.title, header)
    sheet.freeze_panes(1, 0)
    writers = [_writer(c.kind, sheet, plain[c.kind]) for c in columns]
    r = 0
    for row in table.rows:
        r += 1
        for c, (write, value) in enumerate(zip(writers, row, strict=True)):
            if value is not None:
                write(r, c, value)
    found = {t.key: t.value for t in table.totals()}
    r += 1
    for c, column in enumerate(columns):
        if column.key in found and found[column.key] is not None:
            _writer(column.kind, sheet, bold[column.kind])(r, c, found[column.key])
    if columns and columns[0].key not in found:
        sheet.write_string(r, 0, "TOTAL", bold[Kind.TEXT])
    # The filter covers the rows, not the totals row under them.
    sheet.autofilter(0, 0, max(r - 1, 0), max(len(columns) - 1, 0))
    book.close()


def file_chunks(path: Path) -> Iterator[bytes]:
    """The file's bytes in chunks, deleting it once sent (or once the client went away)."""
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(FILE_CHUNK):
                yield chunk
    finally:
        path.unlink(missing_ok=True)
