"""When reminders go out: APScheduler 3 with its jobs kept in the database.

* **The daily job** runs the fan-out at ``KOMBITBOT_REMINDER_TIME`` (default 09:00) local time,
  Monday–Friday (holidays have nothing due). The cron trigger is in the configured time zone,
  so it is 09:00 on both sides of a daylight-saving change and never at night.
* **Missed runs** (the service was down at 09:00): the job's next run time is persisted, so on
  start APScheduler finds it overdue; ``coalesce=True`` folds any number of missed runs into
  one, and ``misfire_grace_time`` lets that one run only until ``KOMBITBOT_REMINDER_LATEST_TIME``
  (default 16:00) of the same day — later it is skipped, not sent in the evening. Run once,
  the job's next run time moves to the next day, so a second restart does not run it again
  (and the ledger would send nothing twice anyway).
* **The retry sweep** every 15 minutes re-sends failed cards, within the same daytime window.
* **One runner per database**: the scheduler only runs while this instance holds the
  scheduler lock (:mod:`store.leadership`); the others try again every ``leader_retry``
  seconds and take over when the holder dies.
* **Stopping in the middle of a run** (a deploy at 09:00): the fan-out begins no further card,
  those under way get ``stop_grace`` seconds to finish, then are cancelled — and awaited, so
  the database is closed only after they have let go of it (closing it under a cancelled
  aiosqlite query could hang the shutdown for good). The daily job's next run is then put
  back to the run that was cut short, so the next leader (this instance after the restart, or
  another one) catches it up within the same day: the ledger sends only what is missing.

The job store is APScheduler's ``SQLAlchemyJobStore`` on the ``apscheduler_jobs`` table that
migration 0004 creates (never created here). It is synchronous, so it gets its own small
synchronous engine (:func:`store.db.create_sync_engine`: sqlite3 / pg8000).

**The bridge from a stored job to the running app.** A persistent job must name an importable
function (stored as ``"notifications.scheduler:daily_reminders"``) and picklable arguments, so
it cannot hold the live :class:`~notifications.fanout.ReminderFanOut`. Instead of a module
global, the scheduler's executor (:class:`ServiceExecutor`, built with the fan-out by the app
factory) passes the fan-out as the first argument when it runs a job (and, second, the event that
asks the job to stop). That is the whole bridge: one executor instance, no registry.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from notifications.fanout import FanOutSummary
from store.leadership import LeaderLock

__all__ = [
    "DAILY_JOB",
    "RETRY_JOB",
    "ReminderJobs",
    "ReminderScheduler",
    "ScheduleConfig",
    "ServiceExecutor",
    "daily_reminders",
    "database_job_store",
    "retry_reminders",
]

log = logging.getLogger(__name__)

DAILY_JOB: Final = "kombitbot-reminders-daily"
RETRY_JOB: Final = "kombitbot-reminders-retry"
TABLE: Final = "apscheduler_jobs"


class ReminderJobs(Protocol):
    """What the jobs call: :class:`~notifications.fanout.ReminderFanOut` in the app."""

    async def run_today(self, stop: asyncio.Event | None = None) -> FanOutSummary: ...

    async def retry_now(self, stop: asyncio.Event | None = None) -> FanOutSummary | None: ...


def _handed_in(fanout: ReminderJobs | None) -> ReminderJobs:
    if fanout is None:
        raise RuntimeError("reminder jobs run in ServiceExecutor, which hands in the fan-out")
    return fanout


async def daily_reminders(
    fanout: ReminderJobs | None = None, stop: asyncio.Event | None = None
) -> dict[str, int]:
    """The daily job: today's fan-out. ``fanout`` and ``stop`` are handed in by
    :class:`ServiceExecutor` (the defaults only satisfy APScheduler's check of a job's
    arguments when it is added)."""
    summary = await _handed_in(fanout).run_today(stop)
    return {"paused": int(summary.paused), **summary.as_dict()}


async def retry_reminders(
    fanout: ReminderJobs | None = None, stop: asyncio.Event | None = None
) -> dict[str, int] | None:
    """The retry sweep (``fanout`` and ``stop`` are handed in by :class:`ServiceExecutor`)."""
    summary = await _handed_in(fanout).retry_now(stop)
    return summary.as_dict() if summary is not None else None


class _BoundJob:
    """A stored job as the executor runs it: the live service in front of its arguments."""

    def __init__(self, job: Any, service: object, stop: asyncio.Event) -> None:
        self._job = job
        self.id = job.id
        self._jobstore_alias = job._jobstore_alias
        self.misfire_grace_time = job.misfire_grace_time
        self.func = functools.partial(job.func, service, stop)
        self.args = job.args
        self.kwargs = job.kwargs

    def __str__(self) -> str:
        return str(self._job)


@dataclass(frozen=True, slots=True)
class CutShort:
    """A job that was still running when the scheduler stopped, and the run it was."""

    job_id: str
    run_time: dt.datetime


class ServiceExecutor(AsyncIOExecutor):  # type: ignore[misc]
    """Runs jobs on the event loop with ``service`` and ``stop`` as their first arguments (the
    bridge), and knows which are running, so that stopping can wait for them."""

    def __init__(self, service: object, stop: asyncio.Event) -> None:
        super().__init__()
        self._service = service
        self._stop = stop
        self._running: dict[asyncio.Future[Any], CutShort] = {}

    def _do_submit_job(self, job: Any, run_times: list[dt.datetime]) -> None:
        before = set(self._pending_futures)
        super()._do_submit_job(_BoundJob(job, self._service, self._stop), run_times)
        for future in self._pending_futures - before:
            self._running[future] = CutShort(job.id, run_times[-1])
            future.add_done_callback(self._forget)

    def _forget(self, future: asyncio.Future[Any]) -> None:
        self._running.pop(future, None)

    async def settle(self, grace: float) -> list[CutShort]:
        """Wait up to ``grace`` seconds for the running jobs (asked to stop beforehand), then
        cancel the rest and wait until they have unwound; returns the jobs that were running."""
        running = dict(self._running)
        if not running:
            return []
        _done, pending = await asyncio.wait(running, timeout=grace)
        for future in pending:
            future.cancel()
        if pending:
            log.warning("%d reminder job(s) did not stop in %.0f s; cancelled", len(pending), grace)
            await asyncio.wait(pending, timeout=grace)
        return list(running.values())


class _MigratedJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """The job store on the table the migrations made: it never creates tables itself."""

    def start(self, scheduler: Any, alias: str) -> None:
        BaseJobStore.start(self, scheduler, alias)


def database_job_store(engine: Engine) -> BaseJobStore:
    return _MigratedJobStore(engine=engine, tablename=TABLE)


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    at: dt.time  # the daily run, local time
    latest: dt.time  # missed runs are caught up, and failures retried, until then
    tz: ZoneInfo
    retry_every: dt.timedelta = dt.timedelta(minutes=15)
    leader_retry: float = 15.0  # seconds between tries to become the runner
    leader_check: float = 5.0  # seconds between checks that the lock is still held
    stop_grace: float = 10.0  # seconds a running job gets to finish when the service stops

    @property
    def grace_seconds(self) -> int:
        day = dt.date(2000, 1, 3)  # any day; the difference of two wall times
        return int(
            (
                dt.datetime.combine(day, self.latest) - dt.datetime.combine(day, self.at)
            ).total_seconds()
        )

    def daily_trigger(self) -> CronTrigger:
        return CronTrigger(
            day_of_week="mon-fri", hour=self.at.hour, minute=self.at.minute, timezone=self.tz
        )

    def retry_trigger(self) -> IntervalTrigger:
        return IntervalTrigger(seconds=self.retry_every.total_seconds(), timezone=self.tz)


def _same_trigger(a: object, b: object) -> bool:
    return str(a) == str(b) and str(getattr(a, "timezone", "")) == str(getattr(b, "timezone", ""))


class ReminderScheduler:
    """Runs APScheduler while this instance leads; started from the app's lifecycle once the
    database is ready, stopped on shutdown."""

    def __init__(
        self,
        fanout: ReminderJobs,
        job_store: Callable[[], BaseJobStore],
        leader: LeaderLock,
        config: ScheduleConfig,
    ) -> None:
        self._fanout = fanout
        self._job_store = job_store
        self._leader = leader
        self._config = config
        self._scheduler: AsyncIOScheduler | None = None
        self._executor: ServiceExecutor | None = None
        self._stopping = asyncio.Event()
        self.leading = asyncio.Event()  # set while this instance runs the scheduler

    def next_run(self, job_id: str = DAILY_JOB) -> dt.datetime | None:
        """When the job runs next (None while not leading)."""
        if self._scheduler is None:
            return None
        job = self._scheduler.get_job(job_id)
        return job.next_run_time if job is not None else None

    async def run(self) -> None:
        """Forever: become the runner when possible, run the scheduler while leading."""
        try:
            while True:
                if await self._leader.try_acquire():
                    try:
                        await self._lead()
                    except asyncio.CancelledError:
                        raise
                    except Exception as error:
                        log.warning(
                            "the reminder scheduler stopped (%s); trying again",
                            type(error).__name__,
                            exc_info=True,
                        )
                    finally:
                        await self._stop()
                await asyncio.sleep(self._config.leader_retry)
        finally:
            await self._stop()
            with contextlib.suppress(Exception):
                await self._leader.release()

    async def _lead(self) -> None:
        self._stopping = asyncio.Event()
        self._executor = ServiceExecutor(self._fanout, self._stopping)
        scheduler = AsyncIOScheduler(
            timezone=self._config.tz,
            jobstores={"default": self._job_store()},
            executors={"default": self._executor},
        )
        self._scheduler = scheduler
        scheduler.start(paused=True)  # check the stored jobs before anything runs
        self._ensure_jobs(scheduler)
        scheduler.resume()
        self.leading.set()
        log.info(
            "this instance runs the reminder scheduler; next daily run %s",
            self.next_run(),
        )
        # A lost lock connection is only noticed by using it, hence polling.
        while True:
            await asyncio.sleep(self._config.leader_check)
            if not await self._leader.holds():
                break
        log.warning("lost the reminder scheduler lock; another instance will take over")

    def _ensure_jobs(self, scheduler: AsyncIOScheduler) -> None:
        """Add the jobs, or keep the stored ones as they are (their next run time is what
        lets a missed run be caught up) unless the configuration changed."""
        wanted = (
            (DAILY_JOB, daily_reminders, self._config.daily_trigger(), self._config.grace_seconds),
            (RETRY_JOB, retry_reminders, self._config.retry_trigger(), 60),
        )
        for job_id, func, trigger, grace in wanted:
            job = scheduler.get_job(job_id)
            if (
                job is not None
                and _same_trigger(job.trigger, trigger)
                and job.misfire_grace_time == grace
                and job.func is func
            ):
                continue
            scheduler.add_job(
                func,
                trigger,
                id=job_id,
                name=job_id,
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=grace,
                max_instances=1,
            )

    async def _stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        executor, self._executor = self._executor, None
        self.leading.clear()
        if scheduler is None:
            return
        if scheduler.running:
            scheduler.pause()  # no job starts from here on
            self._stopping.set()
            cut_short = await executor.settle(self._config.stop_grace) if executor else []
            for job in cut_short:
                if job.job_id == DAILY_JOB and scheduler.get_job(DAILY_JOB) is not None:
                    # Due again: whoever leads next catches the run up (within its grace).
                    scheduler.modify_job(DAILY_JOB, next_run_time=job.run_time)
                    log.warning(
                        "the daily reminder run of %s was cut short; it is due again",
                        job.run_time.isoformat(),
                    )
            # Also shuts the job store down, which disposes its engine. AsyncIOScheduler does
            # it on the loop's next turn, hence the yield.
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)
