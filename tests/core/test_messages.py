"""Messages in Uzbek (Latin), Russian and English by Accept-Language (CONTRACT.md "Languages")."""

from __future__ import annotations

import ast
import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from carpet_shop.core import i18n
from carpet_shop.core.errors import AppError
from carpet_shop.core.field_messages import INVALID, TEMPLATES
from carpet_shop.main import create_app
from tests.factories import TwoBranches, assert_error, assert_ok

PACKAGE = Path(i18n.__file__).resolve().parent.parent


def _po(language: str) -> dict[str, str]:
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=language)
    return {m.id: m.string for m in catalog if m.id}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# Calls whose message argument is a message id: (position of the message, or None for the first).
_ERRORS = {cls.__name__ for cls in [AppError, *AppError.__subclasses__()]} | {
    "InvalidPhone",
    "Message",
    "translate",
}
_OK_ARGS = {"ok": 1, "page_of": 3, "page_response": 3, "tagged_page": 5}


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _message_ids_in_the_code() -> dict[str, str]:
    """Every message id the code hands out, and where: error messages, field messages,
    success messages, Message templates."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or path.name.startswith("demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            texts: list[str] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                owner = getattr(getattr(func, "value", None), "id", None)
                if name in _ERRORS and node.args:
                    # RateLimited(seconds, message): its message comes second.
                    texts += _strings(node.args[1 if name == "RateLimited" else 0])
                    if name == "RateLimited" and len(node.args) < 2:
                        texts = []
                if name == "field" and owner in _ERRORS and len(node.args) >= 2:
                    texts += _strings(node.args[1])
                if name == "of" and owner == "NotFound" and node.args:
                    texts += _strings(node.args[0])
                if name in _OK_ARGS:
                    if len(node.args) > _OK_ARGS[name]:
                        texts += _strings(node.args[_OK_ARGS[name]])
                    texts += [
                        s for kw in node.keywords if kw.arg == "message" for s in _strings(kw.value)
                    ]
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if (
                    len(targets) == 1
                    and isinstance(targets[0], ast.Name)
                    and targets[0].id in {"default_message", "message"}
                    and node.value is not None
                ):
                    texts += _strings(node.value)
            for text in texts:
                found.setdefault(text, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    for text in [*TEMPLATES.values(), INVALID]:
        found.setdefault(text, "carpet_shop/core/field_messages.py")
    return found


def test_every_message_id_has_all_three_languages():
    catalogs = {language: _po(language) for language in i18n.LANGUAGES}
    every_id = set().union(*catalogs.values())
    for language, messages in catalogs.items():
        missing = sorted(every_id - set(messages))
        assert not missing, f"{language} has no entry for: {missing}"
        empty = sorted(i for i, text in messages.items() if not text)
        assert not empty, f"{language} does not translate: {empty}"
        for message_id, text in messages.items():
            # A translation may leave a value out, never name one the id does not have.
            assert _placeholders(text) <= _placeholders(message_id), (language, message_id)


def test_every_message_in_the_code_is_in_the_catalogs():
    known = set(_po("en"))
    missing = {
        text: where for text, where in _message_ids_in_the_code().items() if text not in known
    }
    assert not missing, f"add these message ids to carpet_shop/locale/*/messages.po: {missing}"


def test_every_default_message_of_an_error_code_is_translated():
    for cls in [AppError, *AppError.__subclasses__()]:
        for language in ("uz", "ru"):
            said = i18n.translate(cls.default_message, language=language)
            assert said != cls.default_message, (cls.code, language)


def test_the_compiled_catalogs_are_current():
    for language in i18n.LANGUAGES:
        path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
        with path.open("rb") as file:
            compiled = gettext.GNUTranslations(file)
        in_mo = {k: v for k, v in compiled._catalog.items() if k}  # type: ignore[attr-defined]
        assert in_mo == _po(language), f"run scripts/messages to compile {language}"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ru", "ru"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("uz-Latn-UZ", "uz"),
        ("uz-Cyrl", "uz"),
        ("de-DE,en;q=0.5", "en"),
        ("fr, de", "uz"),
        ("en;q=0.2, ru;q=0.8", "ru"),
        ("", "uz"),
        (None, "uz"),
        ("ru;q=abc", "uz"),
    ],
)
def test_the_language_is_chosen_from_accept_language(header, language):
    assert i18n.negotiate(header, "uz") == language


# Through HTTP: one sample of every error code, success messages and field messages.

SAY = {
    "uz": {"Accept-Language": "uz"},
    "ru": {"Accept-Language": "ru-RU,ru;q=0.9"},
    "en": {"Accept-Language": "en"},
}


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _said(shop, who, method, url, language, headers=None, **kwargs):
    headers = (shop.headers[who] if who else {}) | SAY[language] | (headers or {})
    return shop.client.request(method, url, headers=headers, **kwargs)


EXPECTED = {
    "uz": {
        "unauthorized": "Avval tizimga kiring",
        "not_found": "topilmadi",
        "forbidden": "faqat direktor",
        "conflict": "allaqachon bor",
        "stock": "Omborda yetarli emas",
        "below_cost": "tan narxidan",
        "bad_json": "JSON emas",
        "method": "ruxsat yoʻq",
        "credentials": "Login yoki parol notoʻgʻri",
        "required": "Majburiy maydon",
        "unknown": "Nomaʼlum maydon",
        "too_long": "Koʻpi bilan 120 ta belgi",
        "created": "Filial yaratildi",
        "sale": "Sotuv yaratildi",
        "ok": "OK",
    },
    "ru": {
        "unauthorized": "Сначала войдите",
        "not_found": "не найден",
        "forbidden": "только директор",
        "conflict": "уже существует",
        "stock": "Недостаточно товара",
        "below_cost": "ниже закупочной цены",
        "bad_json": "корректным JSON",
        "method": "не разрешён",
        "credentials": "Неверный логин или пароль",
        "required": "Обязательное поле",
        "unknown": "Неизвестное поле",
        "too_long": "Не более 120 символов",
        "created": "Филиал создан",
        "sale": "Продажа создана",
        "ok": "OK",
    },
    "en": {
        "unauthorized": "Sign in first",
        "not_found": "not found",
        "forbidden": "Only the director",
        "conflict": "already exists",
        "stock": "Not enough stock",
        "below_cost": "below the buy price",
        "bad_json": "not valid JSON",
        "method": "is not allowed here",
        "credentials": "Wrong username or password",
        "required": "Field required",
        "unknown": "Unknown field",
        "too_long": "At most 120 characters",
        "created": "Branch created",
        "sale": "Sale created",
        "ok": "OK",
    },
}


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_errors_and_successes_are_said_in_the_callers_language(shop, language):
    want = EXPECTED[language]
    lara = shop.product(name="Lara", quantity=1, buy_price=200, sell_price=300)

    def message(response, status, code):
        assert response.headers["content-language"] == language
        return assert_error(response, status, code)["error"]["message"]

    assert want["unauthorized"] in message(
        _said(shop, None, "GET", "/api/products", language), 401, "UNAUTHORIZED"
    )
    missing = "/api/products/0190a6f2-7c1e-7a3b-9f00-4c2d8e1a5b6c"
    assert want["not_found"] in message(
        _said(shop, "admin", "GET", missing, language), 404, "NOT_FOUND"
    )
    assert want["forbidden"] in message(
        _said(shop, "plain_a", "POST", "/api/branches", language, json={"name": "X", "code": "X"}),
        403,
        "FORBIDDEN",
    )
    name = shop.branch_a.name
    assert want["conflict"] in message(
        _said(shop, "admin", "POST", "/api/branches", language, json={"name": name, "code": "Q"}),
        409,
        "CONFLICT",
    )
    sale = {"product_id": str(lara.id), "quantity": 5, "amount": 1500, "payment_type": "cash"}
    assert want["stock"] in message(
        _said(shop, "plain_a", "POST", "/api/sales", language, json=sale), 409, "INSUFFICIENT_STOCK"
    )
    cheap = sale | {"quantity": 1, "amount": 100}
    assert want["below_cost"] in message(
        _said(shop, "plain_a", "POST", "/api/sales", language, json=cheap),
        422,
        "PRICE_BELOW_COST",
    )
    assert want["bad_json"] in message(
        _said(
            shop,
            "admin",
            "POST",
            "/api/branches",
            language,
            content=b"{nope",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "BAD_REQUEST",
    )
    assert want["method"] in message(
        _said(shop, "admin", "PATCH", "/api/branches", language), 405, "METHOD_NOT_ALLOWED"
    )
    login = {"username": "admin-nobody", "password": "wrong-password"}
    assert want["credentials"] in message(
        _said(shop, None, "POST", "/api/auth/login", language, json=login),
        401,
        "INVALID_CREDENTIALS",
    )
    body = assert_error(
        _said(
            shop,
            "admin",
            "POST",
            "/api/branches",
            language,
            json={"name": "x" * 121, "address": None, "city": 1},
        ),
        422,
        "VALIDATION_ERROR",
    )
    fields = {f["field"]: f["message"] for f in body["error"]["details"]["fields"]}
    assert fields["name"] == want["too_long"]
    assert fields["city"] == want["unknown"]
    missing = assert_error(
        _said(shop, "admin", "POST", "/api/branches", language, json={}), 422, "VALIDATION_ERROR"
    )
    assert missing["error"]["details"]["fields"][0]["message"] == want["required"]
    assert want["too_long"] in body["error"]["message"]
    created = _said(
        shop, "admin", "POST", "/api/branches", language, json={"name": "Yangi", "code": "YN"}
    )
    assert created.json()["message"] == want["created"]
    sold = _said(shop, "plain_a", "POST", "/api/sales", language, json=sale | {"quantity": 1})
    assert assert_ok(sold, 201) and sold.json()["message"] == want["sale"]
    assert _said(shop, "admin", "GET", "/api/branches", language).json()["message"] == want["ok"]


def test_a_language_we_do_not_speak_gets_the_default(shop):
    response = shop.client.get("/api/products", headers={"Accept-Language": "de-DE"})
    assert response.headers["content-language"] == "en"  # the test settings' LANGUAGE
    assert "Sign in first" in assert_error(response, 401, "UNAUTHORIZED")["error"]["message"]


def test_the_default_language_is_the_language_setting(settings, db, clock):
    uzbek = create_app(
        settings=settings.model_copy(update={"language": "uz"}), database=db, clock=clock
    )
    with TestClient(uzbek) as client:
        response = client.get("/api/products")
        assert response.headers["content-language"] == "uz"
        error = assert_error(response, 401, "UNAUTHORIZED")["error"]
        assert error["message"].startswith("Avval")
        russian = client.get("/api/products", headers={"Accept-Language": "ru"})
        assert russian.headers["content-language"] == "ru"


def test_a_message_with_values_keeps_them_in_every_language(shop):
    shop.product(name="Lara", quantity=1, buy_price=200, sell_price=300)
    taken = shop.branch_a.code
    for language in ("uz", "ru", "en"):
        response = _said(
            shop, "admin", "POST", "/api/branches", language, json={"name": "Boshqa", "code": taken}
        )
        message = assert_error(response, 409, "CONFLICT")["error"]["message"]
        assert repr(taken) in message, (language, message)
        assert re.search(r"[A-Za-zА-Яа-я]", message)
