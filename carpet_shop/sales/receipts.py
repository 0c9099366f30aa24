"""Receipt numbers: `CH-000123`, per branch, gapless and unique under concurrency."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from carpet_shop.sales.repository import ReceiptRepository

DIGITS = 6


def format_number(code: str, number: int) -> str:
    return f"{code}-{number:0{DIGITS}d}"


def _number_of(receipt_number: str) -> int:
    tail = receipt_number.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def next_number(session: Session, branch_id: uuid.UUID, code: str) -> str:
    """Bump the branch's counter in the sale's transaction and format the number.

    Receipt numbers are unique across the shop, but a branch code can come back (a deleted
    branch frees its code, and codes can be edited). When the number is already taken under
    this prefix, the counter moves past the highest such number once, so the sale never fails
    on it; that jump is the only way a branch's sequence can skip.
    """
    repo = ReceiptRepository(session)
    number = repo.bump(branch_id)
    receipt = format_number(code, number)
    if not repo.number_used(receipt):
        return receipt
    used = repo.numbers_with_prefix(f"{code}-")
    number = max((_number_of(n) for n in used), default=0) + 1
    repo.set_last(branch_id, number)
    return format_number(code, number)
