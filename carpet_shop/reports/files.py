"""CSV and JSON, written as the rows stream in: a few hundred rows per chunk, never the file.

CSV as CONTRACT.md fixes it: UTF-8 with a byte-order mark (without it Excel on Windows reads
the file as the local code page and Uzbek or Cyrillic text turns to mojibake), commas, a
header row of the column keys, ISO 8601 dates in shop time, decimals with a dot.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from carpet_shop.reports.table import Column, Kind, Table, hundredths_text, quantity_text

CHUNK_ROWS = 500
BOM = "\ufeff"

# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV
# injection"): `=HYPERLINK(...)` in a customer's name would run on the accountant's machine.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_STARTS)


def escape_text(text: str) -> str:
    """A text cell a spreadsheet shows as typed and never runs: a leading `'` when needed."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_text(text: str) -> str:
    """The text `escape_text` was given (for reading exported files back)."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _csv_cell(kind: Kind) -> Callable[[Any], str]:
    def text(v: Any) -> str:
        return "" if v is None else escape_text(str(v))

    def money(v: Any) -> str:
        return "" if v is None else hundredths_text(v)

    def quantity(v: Any) -> str:
        return "" if v is None else quantity_text(v)

    def plain(v: Any) -> str:
        return "" if v is None else str(v)

    def when(v: Any) -> str:
        return "" if v is None else _iso(v)

    def flag(v: Any) -> str:
        return "" if v is None else ("true" if v else "false")

    return {
        Kind.TEXT: text,
        Kind.MONEY: money,
        Kind.PERCENT: money,
        Kind.QUANTITY: quantity,
        Kind.INTEGER: plain,
        Kind.DATE: when,
        Kind.DATETIME: when,
        Kind.BOOL: flag,
    }[kind]


def _totals_row(
    columns: Sequence[Column], table: Table, cell: Callable[[Column, Any], Any]
) -> list[Any]:
    found = {t.key: t.value for t in table.totals()}
    row: list[Any] = [cell(c, found[c.key]) if c.key in found else None for c in columns]
    if columns and row[0] is None:
        row[0] = "TOTAL"
    return row


# Distinct amounts and quantities remembered as text per file: a shop's prices and
# quantities repeat from line to line, and the dictionary stays this small however long the
# file.
KEPT_NUMBERS = 50_000


def _csv_formatter(columns: Sequence[Column]) -> Callable[[Sequence[Any]], list[Any]]:
    """A row's values as CSV cells, one pass per kind of column (a million rows: few calls).
    csv.writer writes None as an empty cell and integers as they are."""
    of = {kind: [i for i, c in enumerate(columns) if c.kind == kind] for kind in Kind}
    texts, hundredths = of[Kind.TEXT], of[Kind.MONEY] + of[Kind.PERCENT]
    quantities, instants = of[Kind.QUANTITY], of[Kind.DATE] + of[Kind.DATETIME]
    flags = of[Kind.BOOL]
    money: dict[int, str] = {}
    amounts: dict[int, str] = {}

    def cells(row: Sequence[Any]) -> list[Any]:
        out = list(row)
        for i in texts:
            v = out[i]
            if v and v[0] in FORMULA_FIRST:
                out[i] = "'" + v
        for i in hundredths:
            v = out[i]
            if v is not None:
                text = money.get(v)
                if text is None:
                    text = hundredths_text(v)
                    if len(money) < KEPT_NUMBERS:
                        money[v] = text
                out[i] = text
        for i in quantities:
            v = out[i]
            if v is not None:
                text = amounts.get(v)
                if text is None:
                    text = quantity_text(v)
                    if len(amounts) < KEPT_NUMBERS:
                        amounts[v] = text
                out[i] = text
        for i in instants:
            v = out[i]
            if v is not None:
                out[i] = _iso(v)
        for i in flags:
            v = out[i]
            if v is not None:
                out[i] = "true" if v else "false"
        return out

    return cells


def csv_chunks(table: Table) -> Iterator[bytes]:
    columns = list(table.columns)
    cells = _csv_formatter(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([c.key for c in columns])
    for count, row in enumerate(table.rows, 1):
        writer.writerow(cells(row))
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    totals = _totals_row(columns, table, lambda c, v: _csv_cell(c.kind)(v))
    writer.writerow(["" if v is None else v for v in totals])
    yield buffer.getvalue().encode()


def _json_value(kind: Kind) -> Callable[[Any], str]:
    def text(v: Any) -> str:
        return "null" if v is None else json.dumps(str(v), ensure_ascii=False)

    def money(v: Any) -> str:
        return "null" if v is None else hundredths_text(v)

    def quantity(v: Any) -> str:
        return "null" if v is None else quantity_text(v)

    def plain(v: Any) -> str:
        return "null" if v is None else str(int(v))

    def when(v: Any) -> str:
        return "null" if v is None else f'"{_iso(v)}"'

    def flag(v: Any) -> str:
        return "null" if v is None else ("true" if v else "false")

    return {
        Kind.TEXT: text,
        Kind.MONEY: money,
        Kind.PERCENT: money,
        Kind.QUANTITY: quantity,
        Kind.INTEGER: plain,
        Kind.DATE: when,
        Kind.DATETIME: when,
        Kind.BOOL: flag,
    }[kind]


def json_chunks(table: Table, message: str = "OK") -> Iterator[bytes]:
    """The success envelope, `data` = {report, columns, rows, totals, ...}; rows are objects
    keyed like the CSV header, with money as JSON numbers written from exact hundredths."""
    columns = list(table.columns)
    keys = [json.dumps(c.key) + ":" for c in columns]
    values = [_json_value(c.kind) for c in columns]
    head = {
        "report": table.name,
        "first_day": table.first_day.isoformat() if table.first_day else None,
        "last_day": table.last_day.isoformat(),
        "columns": [{"key": c.key, "title": c.title, "type": c.kind.value} for c in columns],
        **table.extra,
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ',"rows":['
    parts = ['{"success":true,"data":', opening]
    for count, row in enumerate(table.rows, 1):
        cells = ",".join(k + f(v) for k, f, v in zip(keys, values, row, strict=True))
        parts.append(("{" if count == 1 else ",{") + cells + "}")
        if count % CHUNK_ROWS == 0:
            yield "".join(parts).encode()
            parts = []
    totals = ",".join(
        json.dumps(t.key) + ":" + _json_value(t.kind)(t.value) for t in table.totals()
    )
    stamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    parts.append(
        f'],"totals":{{{totals}}}}},"message":{json.dumps(message)},"timestamp":"{stamp}"}}'
    )
    yield "".join(parts).encode()
