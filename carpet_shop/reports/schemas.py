"""The JSON shape of a report (format=json), for the docs: the response itself is streamed
by `files.json_chunks`, row by row, in exactly this shape."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from carpet_shop.core.schemas import ReadModel


class ReportColumn(ReadModel):
    key: str = Field(description="The row field, and the CSV header")
    title: str = Field(description="The XLSX header")
    type: str = Field(description="text, integer, money, quantity, percent, date, datetime, bool")


class ReportData(ReadModel):
    report: str
    first_day: date | None = Field(description="The period's first shop day (null: from the start)")
    last_day: date
    columns: list[ReportColumn]
    rows: list[dict[str, Any]] = Field(description="One object per row, keyed by column")
    totals: dict[str, Any] = Field(description="The report's sums (money as numbers)")
    group_by: str | None = Field(default=None, description="profit: day, week or month")
