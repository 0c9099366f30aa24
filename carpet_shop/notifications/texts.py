"""What a notification says, in the recipient's language (Uzbek by default, or Russian).

The figures behind each text travel in the notification's `data`, so a client may word it
its own way; these texts are what the list shows and what Telegram receives.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from carpet_shop.notifications.models import Language, NotificationType

_CURRENCY = {Language.UZ: "so'm", Language.RU: "сум"}
_UNITS = {
    Language.UZ: {"pcs": "dona", "m": "m"},
    Language.RU: {"pcs": "шт.", "m": "м"},
}


def amount_text(value: Decimal | int | float | str) -> str:
    """Digits in groups of three, separated by spaces, tiyin only when there are any:
    1650000 -> '1 650 000', 12.5 -> '12,50'."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    whole, fraction = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", " ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{groups}" if fraction == "00" else f"{sign}{groups},{fraction}"


def som(value: Decimal | int | float | str, language: Language = Language.UZ) -> str:
    """An amount of money as the shop writes it: `1 650 000 so'm` (`сум` in Russian)."""
    return f"{amount_text(value)} {_CURRENCY[language]}"


def quantity_text(value: Any, unit: str, language: Language) -> str:
    return f"{amount_text(value)} {_UNITS[language].get(unit, unit)}"


_TITLES: dict[NotificationType, dict[Language, str]] = {
    NotificationType.LOW_STOCK: {Language.UZ: "Kam qoldi", Language.RU: "Заканчивается товар"},
    NotificationType.OUT_OF_STOCK: {Language.UZ: "Tugadi", Language.RU: "Товар закончился"},
    NotificationType.OVERDUE_DEBT: {
        Language.UZ: "Nasiya muddati o'tdi",
        Language.RU: "Долг просрочен",
    },
    NotificationType.DEBT_DUE_SOON: {
        Language.UZ: "Nasiya muddati yaqin",
        Language.RU: "Скоро срок оплаты долга",
    },
    NotificationType.SALE_COMPLETED: {Language.UZ: "Katta savdo", Language.RU: "Крупная продажа"},
    NotificationType.PRODUCT_TRANSFERRED: {
        Language.UZ: "Ko'chirish",
        Language.RU: "Перемещение товара",
    },
    NotificationType.RETURN_REQUESTED: {
        Language.UZ: "Qaytarish so'raldi",
        Language.RU: "Запрошен возврат",
    },
    NotificationType.RETURN_DECIDED: {
        Language.UZ: "Qaytarish bo'yicha qaror",
        Language.RU: "Решение по возврату",
    },
    NotificationType.STOCK_ADJUSTED: {
        Language.UZ: "Qoldiq o'zgartirildi",
        Language.RU: "Остаток изменён",
    },
    NotificationType.OVERDUE_PAYABLE: {
        Language.UZ: "Yetkazib beruvchiga to'lov muddati o'tdi",
        Language.RU: "Просрочен долг поставщику",
    },
    NotificationType.RECEIPT_NEEDS_COST: {
        Language.UZ: "Kirim narxi kerak",
        Language.RU: "Нужна цена прихода",
    },
}

_TRANSFER_STEPS = {
    "sent": {Language.UZ: "yuborildi", Language.RU: "отправлен"},
    "received": {Language.UZ: "qabul qilindi", Language.RU: "принят"},
    "cancelled": {Language.UZ: "bekor qilindi", Language.RU: "отменён"},
}
_DECISIONS = {
    "approved": {Language.UZ: "tasdiqlandi", Language.RU: "одобрен"},
    "rejected": {Language.UZ: "rad etildi", Language.RU: "отклонён"},
}


def _message(kind: NotificationType, lang: Language, d: dict[str, Any]) -> str:
    uz = lang == Language.UZ
    if kind in (NotificationType.LOW_STOCK, NotificationType.OUT_OF_STOCK):
        left = quantity_text(d["stock"], d["unit"], lang)
        if kind == NotificationType.OUT_OF_STOCK:
            return f"{d['product_name']}: qolmadi" if uz else f"{d['product_name']}: нет в наличии"
        return (
            f"{d['product_name']}: {left} qoldi" if uz else f"{d['product_name']}: осталось {left}"
        )
    if kind == NotificationType.SALE_COMPLETED:
        amount = som(d["amount"], lang)
        return f"{d['receipt_number']}: {amount}, {d['branch_name']} ({d['seller_name']})"
    if kind == NotificationType.PRODUCT_TRANSFERRED:
        step = _TRANSFER_STEPS[d["step"]][lang]
        moved = quantity_text(d["quantity"], d["unit"], lang)
        route = f"{d['from_branch_name']} → {d['to_branch_name']}"
        return f"{d['product_name']}, {moved}: {route} {step}"
    if kind in (NotificationType.OVERDUE_DEBT, NotificationType.DEBT_DUE_SOON):
        owed = som(d["remaining_amount"], lang)
        deadline = d["payment_deadline"]
        if kind == NotificationType.OVERDUE_DEBT:
            return (
                f"{d['customer_name']} ({d['customer_phone']}): {owed}, muddat {deadline} edi"
                if uz
                else f"{d['customer_name']} ({d['customer_phone']}): {owed}, срок был {deadline}"
            )
        return (
            f"{d['customer_name']} ({d['customer_phone']}): {owed}, muddat {deadline}"
            if uz
            else f"{d['customer_name']} ({d['customer_phone']}): {owed}, срок {deadline}"
        )
    if kind == NotificationType.RETURN_REQUESTED:
        refund = som(d["refund_amount"], lang)
        return (
            f"{d['receipt_number']}: {refund} qaytarish, {d['requested_by']}"
            if uz
            else f"{d['receipt_number']}: возврат на {refund}, {d['requested_by']}"
        )
    if kind == NotificationType.RETURN_DECIDED:
        decision = _DECISIONS[d["decision"]][lang]
        refund = som(d["refund_amount"], lang)
        return (
            f"{d['receipt_number']}: {refund} qaytarish {decision}"
            if uz
            else f"{d['receipt_number']}: возврат на {refund} {decision}"
        )
    if kind == NotificationType.OVERDUE_PAYABLE:
        return _overdue_payable(lang, d)
    if kind == NotificationType.RECEIPT_NEEDS_COST:
        where = f"{d['number']}, {d['branch_name']}"
        return (
            f"{where}: {d['lines']} ta qator narxsiz ({d['received_by']})"
            if uz
            else f"{where}: строк без цены: {d['lines']} ({d['received_by']})"
        )
    # STOCK_ADJUSTED
    before = quantity_text(d["before"], d["unit"], lang)
    after = quantity_text(d["after"], d["unit"], lang)
    return f"{d['product_name']}: {before} → {after} ({d['adjusted_by']})"


def _overdue_payable(lang: Language, d: dict[str, Any]) -> str:
    """What the shop still owes a supplier past the due date."""
    usd = d["currency"] == "USD"
    owed = f"{amount_text(d['remaining_amount'])} USD" if usd else som(d["remaining_amount"], lang)
    who, receipt, due = d["supplier_name"], d["receipt_number"], d["due_date"]
    if lang == Language.UZ:
        return f"{who}, {receipt}: {owed} qarz, muddat {due} edi"
    return f"{who}, {receipt}: долг {owed}, срок был {due}"


def render(kind: NotificationType, language: Language, data: dict[str, Any]) -> tuple[str, str]:
    """The title and message of a notification of `kind` with these figures."""
    return _TITLES[kind][language], _message(kind, language, data)
