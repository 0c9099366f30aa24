"""Receipt numbers: `CH-000123`, per branch, gapless and unique under concurrency."""

from __future__ import annotations

from sqlalchemy.orm import Session

from carpet_shop.core.errors import Conflict
from carpet_shop.sales.models import Sale
from carpet_shop.sales.repository import ReceiptRepository, SaleRepository

DIGITS = 6


def format_number(code: str, number: int) -> str:
    return f"{code}-{number:0{DIGITS}d}"


def _number_of(receipt_number: str) -> int:
    tail = receipt_number.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def write_numbered(session: Session, sale: Sale, code: str) -> None:
    """Give a new sale its branch's next receipt number (`code` is the branch's) and write it.

    The counter is bumped in the sale's transaction, so numbers are gapless. Receipt numbers
    are unique across the shop, but a branch code can come back (a deleted branch frees its
    code, and codes can be edited). When the number is already taken under this prefix, the
    INSERT writes nothing, and the counter moves past the highest such number once, so the
    sale never fails on it; that jump is the only way a branch's sequence can skip. The
    INSERT is the check: on PostgreSQL it also waits for a sale not yet committed with the
    same number, which a prior SELECT would not see.
    """
    counters = ReceiptRepository(session)
    sales = SaleRepository(session)
    sale.receipt_number = format_number(code, counters.bump(sale.branch_id))
    if sales.insert_sale(sale):
        return
    used = counters.numbers_with_prefix(f"{code}-")
    number = max((_number_of(n) for n in used), default=0) + 1
    counters.set_last(sale.branch_id, number)
    sale.receipt_number = format_number(code, number)
    if not sales.insert_sale(sale):
        raise Conflict("Another sale took this receipt number; ring the sale up again")
