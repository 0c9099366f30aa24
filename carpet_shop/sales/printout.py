"""A sale's receipt for 58 and 80 mm thermal printers, as HTML or PDF, in the caller's language.

What a customer takes home: the shop and branch, the receipt number (also as a QR code),
date and time in shop time, the seller, each line with its size and quantity, the discount,
the payments, and the part sold on credit with its deadline. Never a buy price: it is made
from the seller's view of the sale. Labels are message ids of the catalogs (core.i18n).
The PDF embeds DejaVu Sans Condensed (fonts/, Bitstream Vera licence) for Cyrillic and
Uzbek letters; the QR code is drawn by segno.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF

from carpet_shop.core.i18n import Message, translate
from carpet_shop.sales.schemas import SaleRead

FONTS = Path(__file__).resolve().parent / "fonts"


class Paper(IntEnum):
    """Roll widths in millimetres; the printable part is 48 and 72 mm."""

    MM58 = 58
    MM80 = 80

    @property
    def printable_mm(self) -> float:
        return 48.0 if self is Paper.MM58 else 72.0

    @property
    def chars(self) -> int:
        """Characters per line at the PDF's body size (for wrapping names)."""
        return 32 if self is Paper.MM58 else 48


@dataclass(frozen=True)
class Line:
    name: str
    detail: str
    amount: str


@dataclass(frozen=True)
class Printout:
    """A receipt's text, already in the caller's language."""

    shop: str
    branch: str
    number: str
    when: str
    seller: str
    customer: str | None
    lines: list[Line]
    discount: str | None
    total: str
    payments: list[tuple[str, str]]
    debt: tuple[str, str] | None
    thanks: str
    labels: dict[str, str]


def money(value: Decimal) -> str:
    """1500000.5 -> "1 500 000.50": thousands apart, always two places."""
    whole, _, cents = f"{value:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{' '.join(groups) or '0'}.{cents}"


def quantity(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def printout_of(sale: SaleRead, shop: str, tz: ZoneInfo) -> Printout:
    """The receipt of `sale` in the request's language (core.i18n)."""
    currency = translate("soʻm")
    lines = []
    discount = Decimal("0")
    for item in sale.items:
        unit = translate("m") if item.product_type.value == "meter" else translate("pcs")
        # What the customer paid per piece or metre (the line's amount, as agreed).
        each = (item.amount / item.quantity).quantize(Decimal("0.01"))
        detail = f"{quantity(item.quantity)} {unit} × {money(each)}"
        name = item.product_name if not item.size else f"{item.product_name} {item.size}"
        lines.append(Line(name=name, detail=detail, amount=money(item.amount)))
        discount += item.discount_amount
    when = sale.date.astimezone(tz)
    debt = None
    if sale.debt is not None:
        debt = (
            f"{money(sale.debt.total_amount)} {currency}",
            translate(Message("due by {day}", day=_day(sale.debt.payment_deadline))),
        )
    labels = {
        key: translate(text)
        for key, text in {
            "receipt": "Receipt",
            "branch": "Branch",
            "seller": "Seller",
            "customer": "Customer",
            "date": "Date",
            "discount": "Discount",
            "total": "Total",
            "credit": "On credit",
        }.items()
    }
    return Printout(
        shop=shop,
        branch=sale.branch_name,
        number=sale.receipt_number,
        when=when.strftime("%d.%m.%Y %H:%M"),
        seller=sale.seller_name,
        customer=" ".join(p for p in (sale.customer_name, sale.customer_phone) if p) or None,
        lines=lines,
        discount=f"{money(discount)} {currency}" if discount > 0 else None,
        total=f"{money(sale.amount)} {currency}",
        payments=[
            (
                translate(_PAYMENT_TYPES.get(p.payment_type.value, p.payment_type.value)),
                money(p.amount),
            )
            for p in sale.payments
        ],
        debt=debt,
        thanks=translate("Thank you for your purchase!"),
        labels=labels,
    )


_PAYMENT_TYPES = {"cash": "Cash", "card": "Card", "transfer": "Bank transfer", "debt": "Credit"}


def _qr(number: str) -> segno.QRCode:
    return segno.make(number, error="m", micro=False)


# HTML: one self-contained page (no external assets), sized for the roll.

_CSS = """
@page {{ size: {width}mm auto; margin: 2mm; }}
body {{ width: {printable}mm; margin: 0 auto; font: 11px/1.35 "DejaVu Sans Condensed",
  "Arial Narrow", sans-serif; color: #000; }}
h1 {{ font-size: 14px; text-align: center; margin: 0; }}
p, table {{ margin: 0; width: 100%; }}
.center {{ text-align: center; }}
.rule {{ border-top: 1px dashed #000; margin: 4px 0; }}
td.amount {{ text-align: right; white-space: nowrap; vertical-align: bottom; }}
.detail {{ padding-left: 6px; }}
.total td {{ font-weight: bold; font-size: 13px; }}
.qr {{ display: block; margin: 6px auto 0; width: 28mm; height: 28mm; }}
"""


def render_html(printout: Printout, paper: Paper, language: str) -> str:
    e = html.escape
    css = _CSS.format(width=int(paper), printable=paper.printable_mm)
    rows = "".join(
        f"<tr><td>{e(line.name)}<div class='detail'>{e(line.detail)}</div></td>"
        f"<td class='amount'>{e(line.amount)}</td></tr>"
        for line in printout.lines
    )
    payments = "".join(
        f"<tr><td>{e(kind)}</td><td class='amount'>{e(amount)}</td></tr>"
        for kind, amount in printout.payments
    )
    labels = printout.labels
    customer = (
        f"<p>{e(labels['customer'])}: {e(printout.customer)}</p>" if printout.customer else ""
    )
    discount = (
        f"<tr><td>{e(labels['discount'])}</td><td class='amount'>{e(printout.discount)}</td></tr>"
        if printout.discount
        else ""
    )
    debt = (
        f"<p><b>{e(labels['credit'])}: {e(printout.debt[0])}</b>, {e(printout.debt[1])}</p>"
        if printout.debt
        else ""
    )
    qr = _qr(printout.number).svg_data_uri(border=0)
    return (
        f"<!DOCTYPE html><html lang='{e(language)}'><head><meta charset='utf-8'>"
        f"<title>{e(labels['receipt'])} {e(printout.number)}</title><style>{css}</style></head>"
        f"<body><h1>{e(printout.shop)}</h1><p class='center'>{e(printout.branch)}</p>"
        f"<div class='rule'></div>"
        f"<p>{e(labels['receipt'])} <b>{e(printout.number)}</b></p>"
        f"<p>{e(labels['date'])}: {e(printout.when)}</p>"
        f"<p>{e(labels['seller'])}: {e(printout.seller)}</p>{customer}"
        f"<div class='rule'></div><table>{rows}</table><div class='rule'></div>"
        f"<table>{discount}<tr class='total'><td>{e(labels['total'])}</td>"
        f"<td class='amount'>{e(printout.total)}</td></tr>{payments}</table>{debt}"
        f"<div class='rule'></div><p class='center'>{e(printout.thanks)}</p>"
        f"<img class='qr' alt='{e(printout.number)}' src='{qr}'></body></html>"
    )


# PDF: one page as long as the receipt.

_LINE_MM = 4.2
_MARGIN_MM = 3.0
_QR_MM = 26.0


def _wrapped(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) > width and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines or [""]


def render_pdf(printout: Printout, paper: Paper) -> bytes:
    width = float(int(paper))
    usable = paper.printable_mm
    labels = printout.labels
    body: list[tuple[str, str, bool]] = []  # (left, right, bold); "^" centres the left
    for text in _wrapped(printout.shop, paper.chars - 6):
        body.append(("^" + text, "", True))
    body.append(("^" + printout.branch, "", False))
    body.append(("-", "", False))
    body.append((f"{labels['receipt']} {printout.number}", "", True))
    body.append((f"{labels['date']}: {printout.when}", "", False))
    body.append((f"{labels['seller']}: {printout.seller}", "", False))
    if printout.customer:
        body.append((f"{labels['customer']}: {printout.customer}", "", False))
    body.append(("-", "", False))
    for line in printout.lines:
        for text in _wrapped(line.name, paper.chars):
            body.append((text, "", False))
        if paper is Paper.MM58:
            # 48 mm hold the quantity and price or the line's amount, not both.
            body.append((f"  {line.detail}", "", False))
            body.append(("", line.amount, False))
        else:
            body.append((f"  {line.detail}", line.amount, False))
    body.append(("-", "", False))
    if printout.discount:
        body.append((labels["discount"], printout.discount, False))
    body.append((labels["total"], printout.total, True))
    for kind, amount in printout.payments:
        body.append((kind, amount, False))
    if printout.debt:
        body.append((f"{labels['credit']}: {printout.debt[0]}", "", True))
        body.append((printout.debt[1], "", False))
    body.append(("-", "", False))
    for text in _wrapped(printout.thanks, paper.chars):
        body.append(("^" + text, "", False))
    height = 2 * _MARGIN_MM + len(body) * _LINE_MM + _QR_MM + 4
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_margins(_MARGIN_MM + (width - usable) / 2 - _MARGIN_MM, _MARGIN_MM)
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_title(f"{labels['receipt']} {printout.number}")
    pdf.set_creator("Carpet Shop")
    pdf.add_page()
    left = (width - usable) / 2
    for text, right, bold in body:
        if text == "-" and not right:
            y = pdf.get_y() + _LINE_MM / 2
            pdf.set_dash_pattern(dash=1, gap=1)
            pdf.line(left, y, left + usable, y)
            pdf.set_dash_pattern()
            pdf.ln(_LINE_MM)
            continue
        pdf.set_font("DejaVu", "B" if bold else "", 9 if bold else 8)
        pdf.set_x(left)
        if right:
            room = usable - pdf.get_string_width(right) - 1
            pdf.cell(room, _LINE_MM, text)
            pdf.cell(usable - room, _LINE_MM, right, align="R")
        elif text.startswith("^"):
            pdf.cell(usable, _LINE_MM, text[1:], align="C")
        else:
            pdf.cell(usable, _LINE_MM, text)
        pdf.ln(_LINE_MM)
    png = io.BytesIO()
    _qr(printout.number).save(png, kind="png", scale=8, border=1)
    png.seek(0)
    pdf.image(png, x=(width - _QR_MM) / 2, y=pdf.get_y() + 2, w=_QR_MM, h=_QR_MM)
    return bytes(pdf.output())
