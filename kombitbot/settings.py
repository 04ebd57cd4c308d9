"""Settings from the environment, with Bot Framework's own variable names.

One immutable object built at start-up and passed to the app factory, so nothing reads
``os.environ`` behind the application's back and tests can build any configuration.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("kombitbot.sqlite3")


class Settings(BaseSettings):
    """Everything the service needs to start; defaults give a local SQLite bot."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    app_id: str = Field(default="", validation_alias=AliasChoices("MicrosoftAppId", "app_id"))
    app_password: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppPassword", "app_password")
    )
    app_type: str = Field(
        default="MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "app_type")
    )
    app_tenant_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppTenantId", "app_tenant_id")
    )
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
    )
    host: str = Field(default="0.0.0.0", validation_alias=AliasChoices("HOST", "host"))
    port: int = Field(default=3978, validation_alias=AliasChoices("PORT", "port"))
    timezone: str = Field(
        default="Europe/Copenhagen", validation_alias=AliasChoices("KOMBITBOT_TIMEZONE", "timezone")
    )
    load_builtin_data: bool = Field(
        default=True,
        validation_alias=AliasChoices("KOMBITBOT_LOAD_BUILTIN_DATA", "load_builtin_data"),
        description="Load the built-in KOMBIT dataset into an empty database on first start.",
    )
    max_body_bytes: int = Field(
        default=256 * 1024,
        validation_alias=AliasChoices("KOMBITBOT_MAX_BODY_BYTES", "max_body_bytes"),
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level"))

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone: fail at start, not at 09:00
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def authentication_enabled(self) -> bool:
        """Inbound tokens are checked only when the bot has an app id (as Bot Framework does)."""
        return bool(self.app_id)
