"""The payables' refusals, each with its contract code (CONTRACT.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from carpet_shop.core.errors import Conflict, PaymentExceedsRemaining, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.currency.models import Currency


class NoDollarRate(ValidationFailed):
    """A payment in the other currency on a day with no USD rate recorded on or before it."""

    default_message = "No dollar rate is recorded yet: the director records the day's rate first"


def no_rate(day: date) -> NoDollarRate:
    message = Message(
        "No dollar rate is recorded on or before {day}: the director records the day's rate first",
        day=day,
    )
    return NoDollarRate(
        message,
        details={"fields": [{"field": "currency", "message": message}], "day": day.isoformat()},
    )


def too_small(amount: Decimal, currency: Currency) -> ValidationFailed:
    message = Message(
        "{amount} {paid_currency} is less than one hundredth of the payable's currency",
        amount=amount,
        paid_currency=currency.value,
    )
    return ValidationFailed(message, details={"fields": [{"field": "amount", "message": message}]})


def exceeds_remaining(
    amount: Decimal, remaining: Decimal, currency: Currency
) -> PaymentExceedsRemaining:
    return PaymentExceedsRemaining(
        Message(
            "The payment of {amount} {currency} is more than the {remaining_amount} {currency}"
            " still owed",
            amount=amount,
            remaining_amount=remaining,
            currency=currency.value,
        ),
        details={
            "remaining_amount": str(remaining),
            "amount": str(amount),
            "currency": currency.value,
        },
    )


def key_reused(payment_id: object) -> Conflict:
    return Conflict(
        "This Idempotency-Key was used for a different payment",
        details={"payment_id": str(payment_id)},
    )
