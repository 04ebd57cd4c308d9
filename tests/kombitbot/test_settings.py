"""Settings come from Bot Framework's own environment variable names and fail early."""

from __future__ import annotations

import pytest

from kombitbot.settings import Settings, SettingsError


def test_defaults_run_a_local_sqlite_bot_without_authentication() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///kombitbot.sqlite3"
    assert settings.port == 3978
    assert settings.timezone == "Europe/Copenhagen"
    assert not settings.authentication_enabled


def test_bot_framework_names_are_read() -> None:
    settings = Settings.from_env(
        {
            "MicrosoftAppId": "app",
            "MicrosoftAppPassword": "secret",
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": "tenant",
            "DATABASE_URL": "postgresql://postgres@127.0.0.1/test",
            "PORT": "8080",
            "KOMBITBOT_LOAD_BUILTIN_DATA": "false",
            "KOMBITBOT_MAX_CONCURRENT_TURNS": "8",
        }
    )
    assert settings.max_concurrent_turns == 8
    assert (settings.app_id, settings.app_password, settings.app_type) == (
        "app",
        "secret",
        "SingleTenant",
    )
    assert settings.app_tenant_id == "tenant"
    assert settings.port == 8080
    assert settings.load_builtin_data is False
    assert settings.authentication_enabled


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"KOMBITBOT_TIMEZONE": "Mars/Olympus"}, "KOMBITBOT_TIMEZONE"),
        ({"MicrosoftAppType": "Everyone"}, "MicrosoftAppType"),
        ({"KOMBITBOT_LOAD_BUILTIN_DATA": "maybe"}, "KOMBITBOT_LOAD_BUILTIN_DATA"),
        ({"KOMBITBOT_MAX_CONCURRENT_TURNS": "0"}, "KOMBITBOT_MAX_CONCURRENT_TURNS"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(environ: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=names):
        Settings.from_env(environ)


def test_without_authentication_the_bot_listens_only_on_this_machine() -> None:
    assert Settings.from_env({}).listen_host == "127.0.0.1"
    assert Settings.from_env({"HOST": "0.0.0.0"}).listen_host == "0.0.0.0"


def test_with_authentication_the_bot_listens_on_every_interface_unless_host_says_otherwise() -> (
    None
):
    secured = {"MicrosoftAppId": "app", "MicrosoftAppPassword": "secret"}
    assert Settings.from_env(secured).listen_host == "0.0.0.0"
    assert Settings.from_env({**secured, "HOST": "10.0.0.5"}).listen_host == "10.0.0.5"


def test_a_fixed_today_is_a_date_and_the_clock_keeps_running_within_it() -> None:
    settings = Settings.from_env({"KOMBITBOT_TODAY": "2025-11-24"})
    now = settings.clock()()
    assert now.date().isoformat() == "2025-11-24" and now.tzinfo is not None
    assert Settings.from_env({}).fixed_today is None
    with pytest.raises(SettingsError, match="KOMBITBOT_TODAY"):
        Settings.from_env({"KOMBITBOT_TODAY": "24.11.2025"})
