"""kombitbot's entry point: ``create_app(settings)`` builds it, ``python app.py`` runs it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.auth import ServiceClientCredentialsFactory
from sqlalchemy.engine import make_url

from bot.adapter import KombitCloudAdapter, create_adapter
from bot.file_import import DownloadPolicy, FileImport
from bot.live_cards import LiveCards
from bot.poll_bot import PollBot
from bot.reminder_admin import ReminderAdmin
from bot.reminder_bot import ReminderBot
from bot.routes import (
    StartupState,
    TurnLimit,
    healthz,
    messages_handler,
    quiet_client_errors,
    readyz_handler,
)
from bot.teams_bot import KombitBot
from dialogs.polls.service import PollDialogs
from dialogs.reminders.service import ReminderButtons, ReminderDialogs
from dialogs.router import Dialogs
from kombitbot.gc_tuning import tune_garbage_collector
from kombitbot.logs import configure_logging
from kombitbot.settings import Settings
from notifications.fanout import ReminderFanOut
from notifications.ics import calendar_handler
from notifications.poll_closer import PollCloser
from notifications.scheduler import ReminderScheduler, ScheduleConfig, database_job_store
from notifications.sender import DigestSender, retry_policy, throttle_config
from notifications.throttle import RateLimiter
from store.conversations import ConversationStore
from store.db import create_engine, create_sync_engine
from store.deliveries import Deliveries
from store.leadership import leader_lock
from store.polls import PollStore
from store.profiles import Profiles
from store.reminder_clicks import ReminderClicks
from store.reminder_control import ReminderControlStore
from store.reminder_targets import ReminderTargets
from store.repository import Store
from store.subscriptions import SubscriptionStore
from store.updates import StatusUpdates

log = logging.getLogger("kombitbot")

STORE_KEY = web.AppKey("store", Store)
STARTUP_KEY = web.AppKey("startup", StartupState)


@dataclass(frozen=True, slots=True)
class PollRuntime:
    """The live parts of polls, reachable from the application (tests, benchmarks)."""

    store: PollStore
    live: LiveCards
    closer: PollCloser


POLLS_KEY = web.AppKey("polls", PollRuntime)


@dataclass(frozen=True, slots=True)
class ReminderRuntime:
    """Reminder delivery, reachable from the application (tests, benchmarks, buttons that
    call ``fanout.refresh_cards``). ``scheduler`` is None where KOMBITBOT_REMINDER_SCHEDULER
    is off."""

    fanout: ReminderFanOut
    admin: ReminderAdmin
    scheduler: ReminderScheduler | None
    deliveries: Deliveries

    async def run(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.run()

    async def close(self) -> None:
        """After the scheduler's task was cancelled: stop background sends, free the ledger."""
        await self.admin.close()
        await self.deliveries.close()


REMINDERS_KEY = web.AppKey("reminders", ReminderRuntime)
STARTUP_RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)

Clock = Callable[[], dt.datetime]


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    credentials_factory: ServiceClientCredentialsFactory | None = None,
) -> web.Application:
    """Wire the whole service from settings; nothing lives at module level."""
    now: Clock = clock or settings.clock()
    if settings.fixed_today is not None and clock is None:
        log.warning(
            "KOMBITBOT_TODAY=%s: the bot's today is FIXED to that day for trying it out; "
            "answers, reminders and poll closing times use it. Unset it in production.",
            settings.fixed_today.isoformat(),
        )
    store = Store(create_engine(settings.database_url))
    startup = StartupState()
    profiles, updates = Profiles(store.sessions), StatusUpdates(store.sessions)
    adapter = create_adapter(settings, credentials_factory=credentials_factory)
    delivery = reminder_runtime(settings, store, adapter, now)
    dialogs = Dialogs(
        store,
        profiles,
        updates,
        now,
        settings.is_admin,
        on_status_changed=delivery.fanout.refresh_cards,
        on_items_changed=delivery.fanout.refresh_items,
        fixed_today=settings.fixed_today if clock is None else None,
    )
    downloads = DownloadPolicy(
        settings.max_import_bytes, frozenset(h.lower() for h in settings.trusted_download_hosts)
    )
    poll_store = PollStore(store.sessions, settings.poll_key)
    poll_dialogs = PollDialogs(poll_store, store, now, settings.is_admin)
    live = LiveCards(adapter, settings.app_id, poll_store, poll_dialogs.card_for)
    closer = PollCloser(poll_store, now, live.poke)
    polls = PollBot(
        poll_dialogs,
        live,
        on_created=closer.wake,
        trusted_upload_hosts=downloads.trusted_http_hosts,
    )
    conversations = ConversationStore(store.sessions)
    reminders = ReminderBot(
        ReminderDialogs(
            dialogs,
            store,
            conversations,
            SubscriptionStore(store.sessions),
            profiles,
            now,
            settings.is_admin,
        ),
        ReminderButtons(
            store,
            profiles,
            updates,
            ReminderClicks(store.sessions),
            now,
            settings.is_admin,
            on_status_changed=delivery.fanout.refresh_cards,
        ),
        conversations,
        now,
    )
    bot = KombitBot(
        dialogs,
        FileImport(store, settings.is_admin, downloads, now, items_changed=dialogs.items_changed),
        polls=polls,
        reminders=reminders,
        reminder_admin=delivery.admin,
    )

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
    app[POLLS_KEY] = PollRuntime(poll_store, live, closer)
    app[REMINDERS_KEY] = delivery
    tenants = frozenset(settings.allowed_tenant_ids)
    turns = TurnLimit(settings.max_concurrent_turns)
    app.router.add_post(
        "/api/messages",
        messages_handler(
            adapter,
            bot,
            settings.max_body_bytes,
            turns,
            tenants,
            authentication_enabled=settings.authentication_enabled,
        ),
    )
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz_handler(store, startup, turns))
    app.router.add_get("/calendar.ics", calendar_handler(store, now))
    app.cleanup_ctx.append(
        _lifecycle(store, startup, settings, dialogs, app[POLLS_KEY], delivery, adapter)
    )
    return app


def reminder_runtime(
    settings: Settings, store: Store, adapter: CloudAdapter, now: Clock
) -> ReminderRuntime:
    """The ledger, sender, fan-out, scheduler and admin commands of proactive reminders."""
    lease = dt.timedelta(seconds=settings.reminder_lease_seconds)
    deliveries = Deliveries(store.sessions, now)
    control = ReminderControlStore(store.sessions)
    sender = DigestSender(
        adapter,
        settings.app_id,
        RateLimiter(throttle_config(settings)),
        deliveries,
        lease=lease,
        policy=retry_policy(settings),
        clock=now,
    )
    fanout = ReminderFanOut(
        store.snapshot,
        ReminderTargets(store.sessions),
        deliveries,
        control,
        sender,
        now,
        tz=settings.tz,
        lease=lease,
        send_window=(settings.reminder_at, settings.reminder_latest_at),
    )
    scheduler = None
    if settings.reminder_scheduler:
        scheduler = ReminderScheduler(
            fanout,
            lambda: database_job_store(create_sync_engine(settings.database_url)),
            leader_lock(settings.database_url),
            ScheduleConfig(settings.reminder_at, settings.reminder_latest_at, settings.tz),
        )
    admin = ReminderAdmin(fanout, control, settings.is_admin, adapter, settings.app_id)
    return ReminderRuntime(fanout, admin, scheduler, deliveries)


def _lifecycle(
    store: Store,
    startup: StartupState,
    settings: Settings,
    dialogs: Dialogs,
    polls: PollRuntime,
    reminders: ReminderRuntime,
    adapter: KombitCloudAdapter,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Prepare the database in the background (readyz says when), then run the poll closer
    and the reminder scheduler; stop them and close the database on shutdown."""

    async def run() -> None:
        await _prepare_database(store, startup, settings)
        await asyncio.gather(polls.closer.run(), reminders.run())

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run())
        yield
        # The closer finishes the check it is in (cancelling it mid-query can leave an
        # aiosqlite connection that never closes); the rest only sleeps between steps.
        await polls.closer.stop()
        await dialogs.drain()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await polls.live.close()
        await polls.store.close_engine()
        await reminders.close()
        await adapter.close()
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


# An idle keep-alive connection is closed after this long (aiohttp's default is 75 s). A client
# that trickles its headers is not bounded by aiohttp; behind Azure's ingress the front end does.
KEEPALIVE_SECONDS = 15.0


def main() -> None:
    tune_garbage_collector()
    settings = Settings.from_env()
    configure_logging(settings.log_level, json_lines=settings.log_format != "text")
    quiet_client_errors()
    log.info(startup_line(settings))
    web.run_app(
        create_app(settings),
        host=settings.listen_host,
        port=settings.port,
        print=None,
        keepalive_timeout=KEEPALIVE_SECONDS,
    )


def startup_line(settings: Settings) -> str:
    """One line that says where the bot listens, on which database, and whether it checks tokens."""
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    authentication = "on" if settings.authentication_enabled else "OFF (local testing only)"
    return (
        f"kombitbot listening on http://{settings.listen_host}:{settings.port}/api/messages, "
        f"database {database}, authentication {authentication}"
    )


if __name__ == "__main__":
    main()
