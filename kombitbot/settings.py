"""Settings from the environment, with Bot Framework's own variable names.

One immutable object built at start-up and passed to the app factory, so nothing reads
``os.environ`` behind the application's back and tests can build any configuration. (A plain
dataclass rather than pydantic-settings: the same validation for a fraction of the start-up
time and memory, which count against the service's start-to-ready budget.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
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
    "load_builtin_data": "KOMBITBOT_LOAD_BUILTIN_DATA",
    "max_body_bytes": "KOMBITBOT_MAX_BODY_BYTES",
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "admin_ids": "KOMBITBOT_ADMIN_IDS",
    "allowed_tenant_ids": "ALLOWED_TENANT_IDS",
    "channel_openid_metadata_url": "ToBotFromChannelOpenIdMetadataUrl",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
APP_TYPES = {"MultiTenant", "SingleTenant", "UserAssignedMSI"}


class SettingsError(ValueError):
    """A setting has a value the service cannot run with; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service needs to start; the defaults give a local SQLite bot."""

    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"
    port: int = 3978
    timezone: str = "Europe/Copenhagen"
    load_builtin_data: bool = True
    max_body_bytes: int = 256 * 1024
    log_level: str = "INFO"
    log_format: str = "json"  # "json" (one object per line) or "text"
    admin_ids: tuple[str, ...] = ()  # AAD object ids of KOMBIT admins
    allowed_tenant_ids: tuple[str, ...] = ()  # empty: any tenant (set it in production)
    # Where Bot Framework's token signing keys are published; empty = Microsoft's public cloud.
    channel_openid_metadata_url: str = ""

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)  # fail at start, not at 09:00 when reminders go out
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"KOMBITBOT_TIMEZONE: unknown time zone {self.timezone!r}") from exc
        if not 0 < self.port < 65536:
            raise SettingsError(f"PORT: {self.port} is not a TCP port")
        if self.app_type not in APP_TYPES:
            raise SettingsError(
                f"MicrosoftAppType: {self.app_type!r} is not one of {sorted(APP_TYPES)}"
            )
        if self.max_body_bytes < 1024:
            raise SettingsError("KOMBITBOT_MAX_BODY_BYTES: must be at least 1024")

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

    def is_admin(self, aad_object_id: str) -> bool:
        """KOMBIT admins may change any municipality's data. With authentication off (local
        testing) nobody's identity is proven, so everyone is treated as admin."""
        return not self.authentication_enabled or (
            bool(aad_object_id) and aad_object_id in self.admin_ids
        )

    @property
    def authentication_enabled(self) -> bool:
        """Inbound tokens are checked only when the bot has an app id (as Bot Framework does)."""
        return bool(self.app_id)
