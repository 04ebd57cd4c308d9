"""Settings from the environment, with Bot Framework's own variable names.

One immutable object built at start-up and passed to the app factory, so nothing reads
``os.environ`` behind the application's back and tests can build any configuration. (A plain
dataclass rather than pydantic-settings: the same validation for a fraction of the start-up
time and memory, which count against the service's start-to-ready budget.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATABASE_URL = "sqlite:///kombitbot.sqlite3"

# field name -> environment variable
ENVIRONMENT_NAMES = {
    "app_id": "MicrosoftAppId",
    "app_password": "MicrosoftAppPassword",
    "app_type": "MicrosoftAppType",
    "app_tenant_id": "MicrosoftAppTenantId",
    "database_url": "DATABASE_URL",
    "host": "HOST",
    "port": "PORT",
    "timezone": "KOMBITBOT_TIMEZONE",
    "today": "KOMBITBOT_TODAY",
    "load_builtin_data": "KOMBITBOT_LOAD_BUILTIN_DATA",
    "max_body_bytes": "KOMBITBOT_MAX_BODY_BYTES",
    "max_concurrent_turns": "KOMBITBOT_MAX_CONCURRENT_TURNS",
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "admin_ids": "KOMBITBOT_ADMIN_IDS",
    "allowed_tenant_ids": "ALLOWED_TENANT_IDS",
    "channel_openid_metadata_url": "ToBotFromChannelOpenIdMetadataUrl",
    "trusted_download_hosts": "KOMBITBOT_TRUSTED_DOWNLOAD_HOSTS",
    "max_import_bytes": "KOMBITBOT_MAX_IMPORT_BYTES",
    "outbound_timeout_seconds": "KOMBITBOT_OUTBOUND_TIMEOUT_SECONDS",
    "outbound_connect_timeout_seconds": "KOMBITBOT_OUTBOUND_CONNECT_TIMEOUT_SECONDS",
    "poll_secret": "KOMBITBOT_POLL_SECRET",
    "reminder_time": "KOMBITBOT_REMINDER_TIME",
    "reminder_latest_time": "KOMBITBOT_REMINDER_LATEST_TIME",
    "reminder_scheduler": "KOMBITBOT_REMINDER_SCHEDULER",
    "reminder_lease_seconds": "KOMBITBOT_REMINDER_LEASE_SECONDS",
    "reminder_max_attempts": "KOMBITBOT_REMINDER_MAX_ATTEMPTS",
    "reminder_retry_base_ms": "KOMBITBOT_REMINDER_RETRY_BASE_MS",
    "teams_rate_per_tenant": "KOMBITBOT_TEAMS_RATE_PER_TENANT",
    "teams_rate_per_conversation": "KOMBITBOT_TEAMS_RATE_PER_CONVERSATION",
    "teams_rate_per_conversation_30s": "KOMBITBOT_TEAMS_RATE_PER_CONVERSATION_30S",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
APP_TYPES = {"MultiTenant", "SingleTenant", "UserAssignedMSI"}


class SettingsError(ValueError):
    """A setting has a value the service cannot run with; the message names the variable."""


def _clock_time(value: str, field: str) -> dt.time:
    """ "09:00" → 09:00; anything else names the variable."""
    hours, _, minutes = value.strip().partition(":")
    if (
        hours.isdigit()
        and minutes.isdigit()
        and len(minutes) == 2
        and int(hours) < 24
        and int(minutes) < 60
    ):
        return dt.time(int(hours), int(minutes))
    raise SettingsError(f"{ENVIRONMENT_NAMES[field]}: {value!r} is not a time like 09:00")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service needs to start; the defaults give a local SQLite bot."""

    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    # Empty: every interface when tokens are checked, only 127.0.0.1 when authentication is off
    # (a bot that believes anyone should not be reachable from the network by default).
    host: str = ""
    port: int = 3978
    timezone: str = "Europe/Copenhagen"
    # A fixed "today" (YYYY-MM-DD) for trying the bot out, demos and screenshots: the built-in
    # data ends in November 2025, so on the real date every "upcoming" answer is empty.
    # Answers, reminders and poll closing times all use it; the clock still runs within the day.
    today: str = ""
    load_builtin_data: bool = True
    max_body_bytes: int = 256 * 1024
    # Activities in a turn at once on this instance; more wait their turn (see bot.routes,
    # where the figures for 16 and 32 are).
    max_concurrent_turns: int = 32
    log_level: str = "INFO"
    log_format: str = "json"  # "json" (one object per line) or "text"
    admin_ids: tuple[str, ...] = ()  # AAD object ids of KOMBIT admins
    allowed_tenant_ids: tuple[str, ...] = ()  # empty: any tenant (set it in production)
    # Where Bot Framework's token signing keys are published; empty = Microsoft's public cloud.
    channel_openid_metadata_url: str = ""
    # Files admins attach in chat are fetched over https only, or over plain http from these
    # hosts (for local tests); anything else is never requested.
    trusted_download_hosts: tuple[str, ...] = ()
    max_import_bytes: int = 2 * 1024 * 1024  # larger chat uploads are refused unread
    # Every call to the Bot Connector (replies, card updates, proactive sends): the whole
    # request, and its connection, must finish within these (Teams waits ~15 s for a turn).
    outbound_timeout_seconds: int = 10
    outbound_connect_timeout_seconds: int = 5
    # Keys the hashes that keep anonymous votes anonymous; never stored in the database.
    # Unset: derived from MicrosoftAppPassword; with neither (local testing) a fixed dev key.
    poll_secret: str = ""
    # Proactive reminders (#4): the daily run at this local time on working days; a run missed
    # while the service was down is caught up until ``reminder_latest_time``, never later.
    reminder_time: str = "09:00"
    reminder_latest_time: str = "16:00"
    reminder_scheduler: bool = True  # false: this instance never runs the daily job
    # How long a claimed delivery is reserved for the instance sending it (longer than one
    # send with its HTTP timeout); a crashed instance's claims are taken over after it.
    reminder_lease_seconds: int = 300
    reminder_max_attempts: int = 5  # HTTP attempts per delivery and run
    reminder_retry_base_ms: int = 1000  # first backoff step; doubles per attempt
    # Teams' limits for proactive messages (Microsoft's published bot rate limits).
    teams_rate_per_tenant: int = 50  # per second
    teams_rate_per_conversation: int = 7  # per second
    teams_rate_per_conversation_30s: int = 60  # per 30 seconds

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)  # fail at start, not at 09:00 when reminders go out
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"KOMBITBOT_TIMEZONE: unknown time zone {self.timezone!r}") from exc
        if self.today:
            try:
                dt.date.fromisoformat(self.today)
            except ValueError as exc:
                raise SettingsError(
                    f"KOMBITBOT_TODAY: {self.today!r} is not a date (write YYYY-MM-DD)"
                ) from exc
        if not 0 < self.port < 65536:
            raise SettingsError(f"PORT: {self.port} is not a TCP port")
        if self.app_type not in APP_TYPES:
            raise SettingsError(
                f"MicrosoftAppType: {self.app_type!r} is not one of {sorted(APP_TYPES)}"
            )
        if self.max_body_bytes < 1024:
            raise SettingsError("KOMBITBOT_MAX_BODY_BYTES: must be at least 1024")
        if self.max_import_bytes < 1024:
            raise SettingsError("KOMBITBOT_MAX_IMPORT_BYTES: must be at least 1024")
        if self.reminder_latest_at <= self.reminder_at:
            raise SettingsError(
                "KOMBITBOT_REMINDER_LATEST_TIME: must be later than KOMBITBOT_REMINDER_TIME"
            )
        for name in (
            "max_concurrent_turns",
            "outbound_timeout_seconds",
            "outbound_connect_timeout_seconds",
            "reminder_lease_seconds",
            "reminder_max_attempts",
            "teams_rate_per_tenant",
            "teams_rate_per_conversation",
            "teams_rate_per_conversation_30s",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{ENVIRONMENT_NAMES[name]}: must be at least 1")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the variables in :data:`ENVIRONMENT_NAMES`; unset or empty ones keep defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(ENVIRONMENT_NAMES[field.name], "").strip()
            if not raw:
                continue
            if field.type == "int":
                if not raw.isdigit():
                    raise SettingsError(f"{ENVIRONMENT_NAMES[field.name]}: {raw!r} is not a number")
                values[field.name] = int(raw)
            elif field.type == "tuple[str, ...]":
                values[field.name] = tuple(part.strip() for part in raw.split(",") if part.strip())
            elif field.type == "bool":
                if raw.lower() not in _TRUE | _FALSE:
                    raise SettingsError(
                        f"{ENVIRONMENT_NAMES[field.name]}: {raw!r} is not true/false"
                    )
                values[field.name] = raw.lower() in _TRUE
            else:
                values[field.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def fixed_today(self) -> dt.date | None:
        """``KOMBITBOT_TODAY`` as a date, or None for the real date."""
        return dt.date.fromisoformat(self.today) if self.today else None

    def clock(self) -> Callable[[], dt.datetime]:
        """The service's "now" in its time zone: the real one, or today's wall-clock time on the
        fixed day of ``KOMBITBOT_TODAY``."""
        tz, fixed = self.tz, self.fixed_today
        if fixed is None:
            return lambda: dt.datetime.now(tz)
        return lambda: dt.datetime.combine(fixed, dt.datetime.now(tz).time(), tzinfo=tz)

    @property
    def reminder_at(self) -> dt.time:
        """When the daily reminders go out (local time)."""
        return _clock_time(self.reminder_time, "reminder_time")

    @property
    def reminder_latest_at(self) -> dt.time:
        """The latest local time a missed daily run is caught up or a failed send retried."""
        return _clock_time(self.reminder_latest_time, "reminder_latest_time")

    def is_admin(self, aad_object_id: str) -> bool:
        """KOMBIT admins may change any municipality's data. With authentication off (local
        testing) nobody's identity is proven, so everyone is treated as admin."""
        return not self.authentication_enabled or (
            bool(aad_object_id) and aad_object_id in self.admin_ids
        )

    @property
    def poll_key(self) -> bytes:
        """The secret for anonymous ballots (see :mod:`store.polls`)."""
        source = self.poll_secret or self.app_password or "kombitbot-local-testing-only"
        return hashlib.sha256(b"kombitbot-polls\0" + source.encode()).digest()

    @property
    def listen_host(self) -> str:
        """The address the HTTP server binds: ``HOST``, or the safe default described above."""
        return self.host or ("0.0.0.0" if self.authentication_enabled else "127.0.0.1")

    @property
    def authentication_enabled(self) -> bool:
        """Inbound tokens are checked only when the bot has an app id (as Bot Framework does)."""
        return bool(self.app_id)
