"""Settings: read from the environment; production refuses unsafe ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from carpet_shop.core.config import EXAMPLE_SECRET_KEY, ConfigurationError, Settings
from carpet_shop.main import create_app

GOOD_SECRET = "k" * 48


def _production(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "database_url": f"sqlite:///{tmp_path / 'prod.db'}",
        "secret_key": GOOD_SECRET,
        "cors_origins": ["https://shop.example.uz"],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"secret_key": EXAMPLE_SECRET_KEY}, "SECRET_KEY"),
        ({"secret_key": ""}, "SECRET_KEY"),
        ({"secret_key": "short-but-random"}, "SECRET_KEY"),
        ({"cors_origins": ["*"]}, "CORS_ORIGINS"),
        ({"cors_origins": ["https://shop.example.uz", "*"]}, "CORS_ORIGINS"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, overrides, problem):
    with pytest.raises(ConfigurationError, match=problem):
        create_app(_production(tmp_path, **overrides))


def test_production_without_a_secret_in_the_environment_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CORS_ORIGINS", "https://shop.example.uz")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(Settings())


def test_production_with_safe_settings_starts(tmp_path):
    app = create_app(_production(tmp_path))
    assert app.state.settings.environment == "production"


def test_development_tolerates_the_example_secret(tmp_path):
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'dev.db'}",
        cors_origins=["*"],
    )
    assert settings.secret_key == EXAMPLE_SECRET_KEY
    create_app(settings)


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///./elsewhere.db")
    monkeypatch.setenv("ACCESS_TOKEN_EXPIRE_MINUTES", "30")
    monkeypatch.setenv("REFRESH_TOKEN_EXPIRE_DAYS", "2")
    monkeypatch.setenv("CORS_ORIGINS", "http://a.uz, http://b.uz")
    monkeypatch.setenv("TIMEZONE", "Asia/Samarkand")
    settings = Settings()
    assert settings.database_url == "sqlite:///./elsewhere.db"
    assert settings.access_token_expire_minutes == 30
    assert settings.refresh_token_expire_days == 2
    assert settings.cors_origins == ["http://a.uz", "http://b.uz"]
    assert settings.tz.key == "Asia/Samarkand"


def test_defaults_follow_the_specification(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "ACCESS_TOKEN_EXPIRE_MINUTES", "TIMEZONE", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///./carpet_shop.db"
    assert settings.access_token_expire_minutes == 1440
    assert settings.refresh_token_expire_days == 7
    assert settings.timezone == "Asia/Tashkent"
    assert (settings.login_max_failures, settings.login_lock_minutes) == (5, 15)


def test_an_unknown_time_zone_is_refused(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="time zone"):
        Settings()
