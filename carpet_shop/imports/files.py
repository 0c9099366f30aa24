"""Reading an uploaded table (CSV or XLSX) into rows of text, refusing what is not one.

Limits are checked before anything large is made: a workbook's declared unzipped sizes
before openpyxl opens it (a zip bomb is a few kilobytes that unzip to gigabytes), and the
number of lines (blank ones too: a sheet of 100,000 empty rows is refused, not walked).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from carpet_shop.core.errors import PayloadTooLarge, ValidationFailed
from carpet_shop.core.i18n import Message

MAX_LINES = 20_000  # data lines after the header, blank or not
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200  # unzipped / zipped size of one member; real sheets stay well under 50
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class SheetRow:
    line: int  # as a spreadsheet numbers it: the header is line 1
    values: dict[str, str]


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"fields": [{"field": "file", "message": message}]})


def read_table(
    filename: str, content: bytes, columns: Sequence[str], required: Sequence[str]
) -> list[SheetRow]:
    """The non-blank data rows of the file, keyed by the (known) column names."""
    if not content:
        raise _file_error("The file is empty")
    is_zip = content.startswith(ZIP_MAGIC)
    if filename.lower().endswith((".xlsx", ".xlsm")) or is_zip:
        if not is_zip:
            raise _file_error("This is not an XLSX workbook (save it as .xlsx, or as CSV UTF-8)")
        lines = _xlsx_lines(content)
    else:
        lines = _csv_lines(content)
    return _rows(lines, columns, required)


def _csv_lines(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            Message(
                "The file is not UTF-8 text (byte {byte}): in Excel choose "
                "'CSV UTF-8 (comma delimited)' when saving",
                byte=exc.start,
            )
        ) from None
    if "\x00" in text:
        raise _file_error("The file is not a text CSV file")
    first = text.split("\n", 1)[0]
    # Excel saves CSV with semicolons where the comma is the decimal separator.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise _file_error(Message("The CSV cannot be read: {reason}", reason=str(exc))) from None


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _file_error("This is not an XLSX workbook (the zip is damaged)") from None
    with archive:
        total = 0
        for member in archive.infolist():
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_UNZIPPED_BYTES or (member.file_size > 1_000_000 and ratio > MAX_RATIO):
                raise PayloadTooLarge(
                    "The workbook unpacks to far more than a product list: refused",
                    details={"limit_bytes": MAX_UNZIPPED_BYTES},
                )


def _xlsx_lines(content: bytes) -> Iterator[list[str]]:
    _check_zip(content)
    from openpyxl import load_workbook  # only imports need it, and it is slow to import

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file it cannot read
        raise _file_error("The XLSX workbook cannot be read; save it again from Excel") from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(
    lines: Iterable[list[str]], columns: Sequence[str], required: Sequence[str]
) -> list[SheetRow]:
    iterator = iter(lines)
    header: list[str] | None = None
    line = 0
    for cells in iterator:
        line += 1
        if any(c.strip() for c in cells):
            header = [c.strip().lstrip("\ufeff").lower() for c in cells]
            break
        if line > MAX_LINES:
            break
    if header is None:
        raise _file_error("The file has no header row")
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(
            Message(
                "Missing columns: {missing} (the header must name: {columns})",
                missing=", ".join(missing),
                columns=", ".join(columns),
            ),
            details={
                "fields": [{"field": f"file.{c}", "message": "Missing column"} for c in missing]
            },
        )
    positions = {name: header.index(name) for name in columns if name in header}
    rows: list[SheetRow] = []
    start = line
    for cells in iterator:
        line += 1
        if line - start > MAX_LINES:
            raise PayloadTooLarge(
                Message(
                    "The file has more than {limit} rows (blank ones count too); split it",
                    limit=MAX_LINES,
                ),
                details={"limit_rows": MAX_LINES},
            )
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, str] = {}
        for name, i in positions.items():
            text = cells[i].strip() if i < len(cells) else ""
            if text.startswith("="):
                column = _column_letter(i)
                raise _file_error(
                    Message(
                        "Cell {cell} holds a formula ({formula}): formulas are not imported; "
                        "paste the values instead",
                        cell=f"{column}{line}",
                        formula=text[:40],
                    )
                )
            values[name] = text
        rows.append(SheetRow(line, values))
    return rows


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
