"""kombitbot's entry point: ``create_app(settings)`` builds it, ``python app.py`` runs it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from botframework.connector.auth import ServiceClientCredentialsFactory

from bot.adapter import create_adapter
from bot.routes import StartupState, healthz, messages_handler, readyz_handler
from bot.teams_bot import KombitBot
from dialogs.router import Dialogs
from kombitbot.logs import configure_logging
from kombitbot.settings import Settings
from store.db import create_engine
from store.profiles import Profiles
from store.repository import Store
from store.updates import StatusUpdates

log = logging.getLogger("kombitbot")

STORE_KEY = web.AppKey("store", Store)
STARTUP_KEY = web.AppKey("startup", StartupState)
STARTUP_RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)

Clock = Callable[[], dt.datetime]


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    credentials_factory: ServiceClientCredentialsFactory | None = None,
) -> web.Application:
    """Wire the whole service from settings; nothing lives at module level."""
    tz = settings.tz
    now: Clock = clock or (lambda: dt.datetime.now(tz))
    store = Store(create_engine(settings.database_url))
    startup = StartupState()
    dialogs = Dialogs(
        store, Profiles(store.sessions), StatusUpdates(store.sessions), now, settings.is_admin
    )
    bot = KombitBot(dialogs)
    adapter = create_adapter(settings, credentials_factory=credentials_factory)

    if not settings.authentication_enabled:
        log.warning(
            "MicrosoftAppId is not set: inbound requests are NOT authenticated. "
            "Use this only for local testing (Agents Playground, tests); set MicrosoftAppId, "
            "MicrosoftAppPassword and MicrosoftAppTenantId in production. "
            "Without authentication every user is treated as a KOMBIT admin."
        )

    app = web.Application(client_max_size=settings.max_body_bytes)
    app[STORE_KEY] = store
    app[STARTUP_KEY] = startup
    tenants = frozenset(settings.allowed_tenant_ids)
    app.router.add_post(
        "/api/messages", messages_handler(adapter, bot, settings.max_body_bytes, tenants)
    )
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz_handler(store, startup))
    app.cleanup_ctx.append(_lifecycle(store, startup, settings))
    return app


def _lifecycle(
    store: Store, startup: StartupState, settings: Settings
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Prepare the database in the background (readyz says when); close it on shutdown."""

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_prepare_database(store, startup, settings))
        yield
        task.cancel()
        await store.close()

    return lifecycle


async def _prepare_database(store: Store, startup: StartupState, settings: Settings) -> None:
    """Migrate and load the built-in data; keep retrying while the database is unreachable."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await store.migrate()
            if settings.load_builtin_data:
                result = await store.load_builtin_if_empty()
                if not result.skipped:
                    log.info("loaded the built-in dataset: %d facts", result.inserted)
        except Exception as exc:
            startup.detail = f"database not ready ({type(exc).__name__}), attempt {attempt}"
            log.exception("database preparation failed (attempt %d)", attempt)
            await asyncio.sleep(STARTUP_RETRY_SECONDS[min(attempt, len(STARTUP_RETRY_SECONDS)) - 1])
            continue
        startup.done = True
        startup.detail = "ready"
        log.info("database ready")
        return


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings.log_level, json_lines=settings.log_format != "text")
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
