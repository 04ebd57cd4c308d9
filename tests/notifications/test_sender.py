"""How a failed send is read: Bot Framework's exceptions mapped to an HTTP status and
Retry-After (the real ones come from the mock connector in test_fanout.py), and the limits
and retry policy taken from the settings."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from azure.core.exceptions import DeserializationError
from msrest.exceptions import ClientRequestError
from requests.structures import CaseInsensitiveDict

from kombitbot.settings import Settings, SettingsError
from notifications.sender import JITTER, http_status, retry_policy, throttle_config
from notifications.throttle import Window


class FakeHttpError(Exception):
    """Shaped like msrest's HttpOperationError: ``.response`` is a requests.Response."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        super().__init__(f"HTTP {status}")
        self.response = SimpleNamespace(status_code=status, headers=CaseInsensitiveDict(headers))


def test_an_http_answer_gives_its_status_and_retry_after() -> None:
    status, retry_after, text = http_status(FakeHttpError(429, {"retry-after": "2"}))
    assert (status, retry_after) == (429, "2") and "429" in text
    assert http_status(FakeHttpError(403, {}))[:2] == (403, None)


def test_no_answer_or_a_garbled_one_is_transient_and_a_bug_is_not() -> None:
    assert http_status(ClientRequestError("connection refused"))[0] == 503
    assert http_status(ConnectionResetError())[0] == 503
    assert http_status(DeserializationError("text/plain"))[0] == 502
    assert http_status(KeyError("oops"))[0] == 0


def test_limits_and_retries_come_from_the_settings() -> None:
    settings = Settings(
        teams_rate_per_tenant=40,
        teams_rate_per_conversation=5,
        teams_rate_per_conversation_30s=50,
        reminder_max_attempts=3,
        reminder_retry_base_ms=10,
    )
    config = throttle_config(settings)
    assert config.per_tenant == (Window(40, 1.0 + JITTER),)
    assert config.per_conversation == (Window(5, 1.0 + JITTER), Window(50, 30.0 + JITTER))
    policy = retry_policy(settings)
    assert (policy.max_attempts, policy.base_delay) == (3, 0.01)


def test_reminder_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "KOMBITBOT_REMINDER_TIME": "08:30",
            "KOMBITBOT_REMINDER_LATEST_TIME": "15:00",
            "KOMBITBOT_TEAMS_RATE_PER_TENANT": "45",
            "KOMBITBOT_REMINDER_SCHEDULER": "false",
        }
    )
    assert (settings.reminder_at, settings.reminder_latest_at) == (dt.time(8, 30), dt.time(15))
    assert settings.teams_rate_per_tenant == 45 and not settings.reminder_scheduler
    with pytest.raises(SettingsError, match="KOMBITBOT_REMINDER_TIME"):
        Settings(reminder_time="9")
    with pytest.raises(SettingsError, match="KOMBITBOT_REMINDER_LATEST_TIME"):
        Settings(reminder_time="17:00")
    with pytest.raises(SettingsError, match="KOMBITBOT_TEAMS_RATE_PER_TENANT"):
        Settings(teams_rate_per_tenant=0)
