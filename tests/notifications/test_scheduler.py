"""The daily job: 09:00 local on both sides of a daylight-saving change, a run missed while the
service was down caught up once (and not at all after the latest time), jobs kept in the
database, and with PostgreSQL exactly one instance running the scheduler.

The wall clock is moved with time-machine (APScheduler reads ``datetime.now``); the event
loop's monotonic clock is left alone, so waits are real but short.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import asyncpg
import pytest
import time_machine
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import REMINDERS_KEY, create_app
from notifications.fanout import FanOutSummary
from notifications.scheduler import (
    DAILY_JOB,
    ReminderScheduler,
    ScheduleConfig,
    daily_reminders,
    database_job_store,
)
from store.db import create_sync_engine
from store.leadership import PgAdvisoryLeader, leader_lock
from tests.conftest import settings_for, wait_ready
from tests.notifications.delivery_support import AT_NINE, delivery
from tests.support.connector import Faults, MockConnector

CPH = ZoneInfo("Europe/Copenhagen")
CONFIG = ScheduleConfig(
    dt.time(9, 0), dt.time(16, 0), CPH, leader_retry=0.1, leader_check=0.1, stop_grace=0.3
)
# Summer time starts Sunday 29 March 2026 and ends Sunday 25 October 2026.
FRIDAY_BEFORE_SPRING = dt.date(2026, 3, 27)
MONDAY_AFTER_SPRING = dt.date(2026, 3, 30)


class FakeFanOut:
    """Stands in for ReminderFanOut: records when the daily job ran (wall clock). With
    ``stuck`` the first run never ends by itself (a send Teams never answers)."""

    def __init__(self, *, stuck: bool = False) -> None:
        self.runs: list[dt.datetime] = []
        self.stuck = stuck
        self.cancelled = 0

    async def run_today(self, stop: asyncio.Event | None = None) -> FanOutSummary:
        now = dt.datetime.now(CPH)
        self.runs.append(now)
        if self.stuck and len(self.runs) == 1:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        return FanOutSummary(now.date())

    async def retry_now(self, stop: asyncio.Event | None = None) -> FanOutSummary | None:
        return None


def scheduler_for(url: str, fanout: FakeFanOut) -> ReminderScheduler:
    return ReminderScheduler(
        fanout,  # type: ignore[arg-type]
        lambda: database_job_store(create_sync_engine(url)),
        leader_lock(url),
        CONFIG,
    )


# Time enough for the service to start (migrations, the leader lock, the job store) before
# 09:00 also on a busy machine: a job first stored after 09:00 would wait for the next
# working day. (0.4 s was too little once, with other tests running beside the suite.)
JUST_BEFORE_NINE = (8, 59, 57.0)


async def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def running(url: str, fanout: FakeFanOut) -> tuple[ReminderScheduler, asyncio.Task[None]]:
    scheduler = scheduler_for(url, fanout)
    task = asyncio.create_task(scheduler.run())
    await asyncio.wait_for(scheduler.leading.wait(), 10)
    return scheduler, task


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def at(day: dt.date, hour: int, minute: int, second: float = 0.0) -> dt.datetime:
    whole = int(second)
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        hour,
        minute,
        whole,
        int((second - whole) * 1e6),
        tzinfo=CPH,
    )


def test_the_daily_trigger_is_nine_local_on_both_sides_of_each_change() -> None:
    trigger = CONFIG.daily_trigger()
    cases = [
        (at(FRIDAY_BEFORE_SPRING, 8, 0), "2026-03-27T08:00:00+00:00"),  # CET: UTC+1
        (at(FRIDAY_BEFORE_SPRING, 10, 0), "2026-03-30T07:00:00+00:00"),  # CEST: UTC+2
        (at(dt.date(2026, 10, 23), 10, 0), "2026-10-26T08:00:00+00:00"),  # back to CET
    ]
    for now, expected in cases:
        fire = trigger.get_next_fire_time(None, now)
        assert fire is not None
        assert fire.astimezone(dt.UTC).isoformat() == expected
        assert fire.astimezone(CPH).time() == dt.time(9, 0)
    assert CONFIG.grace_seconds == 7 * 3600


async def test_the_job_fires_at_nine_local_before_and_after_summer_time(database_url: str) -> None:
    fanout = FakeFanOut()
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, *JUST_BEFORE_NINE), tick=True):
        _scheduler, task = await running(database_url, fanout)
        await eventually(lambda: len(fanout.runs) == 1)
        await stop(task)
    # The job's next run was stored: Monday 09:00, now in summer time.
    with time_machine.travel(at(MONDAY_AFTER_SPRING, *JUST_BEFORE_NINE), tick=True):
        scheduler, task = await running(database_url, fanout)
        assert scheduler.next_run() == at(MONDAY_AFTER_SPRING, 9, 0)
        await eventually(lambda: len(fanout.runs) == 2)
        await stop(task)
    friday, monday = fanout.runs
    assert (friday.hour, friday.minute, monday.hour, monday.minute) == (9, 0, 9, 0)
    assert friday.astimezone(dt.UTC).hour == 8 and monday.astimezone(dt.UTC).hour == 7


async def test_a_missed_run_is_caught_up_once(database_url: str) -> None:
    fanout = FakeFanOut()
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 8, 0), tick=True):
        scheduler, task = await running(database_url, fanout)  # the job is stored for 09:00
        assert scheduler.next_run() == at(FRIDAY_BEFORE_SPRING, 9, 0)
        await stop(task)  # … and the service goes down until 10:30
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 10, 30), tick=True):
        scheduler, task = await running(database_url, fanout)
        await eventually(lambda: len(fanout.runs) == 1)
        await asyncio.sleep(0.3)
        assert len(fanout.runs) == 1  # coalesced: once, however long it was down
        assert scheduler.next_run() == at(MONDAY_AFTER_SPRING, 9, 0)
        await stop(task)
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 10, 45), tick=True):  # another restart
        _scheduler, task = await running(database_url, fanout)
        await asyncio.sleep(0.5)
        await stop(task)
    assert len(fanout.runs) == 1 and fanout.runs[0].time() >= dt.time(10, 30)


async def test_a_run_missed_until_after_the_latest_time_waits_for_the_next_day(
    database_url: str,
) -> None:
    fanout = FakeFanOut()
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 8, 0), tick=True):
        _scheduler, task = await running(database_url, fanout)
        await stop(task)
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 16, 30), tick=True):  # back at 16:30
        scheduler, task = await running(database_url, fanout)
        await asyncio.sleep(0.5)
        assert fanout.runs == []  # not in the evening
        assert scheduler.next_run() == at(MONDAY_AFTER_SPRING, 9, 0)
        await stop(task)


async def test_jobs_are_stored_by_reference_to_an_importable_function(database_url: str) -> None:
    fanout = FakeFanOut()
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 8, 0), tick=True):
        scheduler, task = await running(database_url, fanout)
        job = scheduler._scheduler.get_job(DAILY_JOB)  # type: ignore[union-attr]
        assert job.func is daily_reminders and job.args == () and job.coalesce
        await stop(task)


# --------------------------------------------------------------------------- one runner


async def _terminate(url: str, pid: int) -> None:
    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database=parsed.database
    )
    try:
        await connection.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


async def test_with_postgresql_exactly_one_instance_leads_until_it_dies(
    postgresql_url: str,
) -> None:
    database_url = postgresql_url
    first, second = PgAdvisoryLeader(database_url), PgAdvisoryLeader(database_url)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await first.holds()
        assert first._connection is not None
        pid = int(await first._connection.scalar(text("SELECT pg_backend_pid()")))
        await _terminate(database_url, pid)  # the holder's process dies with its connection
        assert not await first.holds()
        assert await second.try_acquire()
        assert not await first.try_acquire()
    finally:
        await first.release()
        await second.release()


async def test_a_second_instance_takes_the_scheduler_over(postgresql_url: str) -> None:
    database_url = postgresql_url
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 8, 0), tick=True):
        one, two = FakeFanOut(), FakeFanOut()
        first, first_task = await running(database_url, one)
        second = scheduler_for(database_url, two)
        second_task = asyncio.create_task(second.run())
        await asyncio.sleep(0.5)
        assert first.leading.is_set() and not second.leading.is_set()
        await stop(first_task)  # the leader stops (or dies): its lock goes with it
        await asyncio.wait_for(second.leading.wait(), 5)
        assert second.next_run() == at(FRIDAY_BEFORE_SPRING, 9, 0)
        await stop(second_task)


async def test_the_app_runs_the_scheduler_once_the_database_is_ready(database_url: str) -> None:
    app = create_app(settings_for(database_url, reminder_scheduler=True))
    scheduler = app[REMINDERS_KEY].scheduler
    assert scheduler is not None
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        await asyncio.wait_for(scheduler.leading.wait(), 10)
        upcoming = scheduler.next_run()
        assert upcoming is not None and upcoming.astimezone(CPH).time() == dt.time(9, 0)
    assert not scheduler.leading.is_set()  # stopped with the app


# --------------------------------------------------------------------------- stopping


async def test_a_run_that_does_not_stop_is_cancelled_after_the_grace_and_caught_up_later(
    database_url: str,
) -> None:
    fanout = FakeFanOut(stuck=True)
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, *JUST_BEFORE_NINE), tick=True):
        scheduler, task = await running(database_url, fanout)
        await eventually(lambda: len(fanout.runs) == 1)
        started = asyncio.get_running_loop().time()
        await stop(task)  # the service stops while the run hangs on an unanswered send
        assert asyncio.get_running_loop().time() - started < 2  # the grace is 0.3 s
        assert fanout.cancelled == 1
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 9, 5), tick=True):  # back five minutes on
        scheduler, task = await running(database_url, fanout)
        await eventually(lambda: len(fanout.runs) == 2)  # the cut-short run is due again
        assert scheduler.next_run() == at(MONDAY_AFTER_SPRING, 9, 0)
        await stop(task)


async def test_a_run_that_finished_before_the_stop_is_not_repeated(database_url: str) -> None:
    fanout = FakeFanOut()
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, *JUST_BEFORE_NINE), tick=True):
        _scheduler, task = await running(database_url, fanout)
        await eventually(lambda: len(fanout.runs) == 1)
        await asyncio.sleep(0.2)
        await stop(task)
    with time_machine.travel(at(FRIDAY_BEFORE_SPRING, 9, 5), tick=True):
        scheduler, task = await running(database_url, fanout)
        await asyncio.sleep(0.5)
        assert len(fanout.runs) == 1
        assert scheduler.next_run() == at(MONDAY_AFTER_SPRING, 9, 0)
        await stop(task)


async def test_a_deploy_in_the_middle_of_the_fan_out_stops_at_once_and_the_restart_sends_the_rest(
    database_url: str, connector: MockConnector
) -> None:
    """The instance is stopped at 09:00 with cards still to send and four waiting on Teams:
    it begins no further card, the four under way finish, and the service is down within
    seconds; started again, it catches the run up: each conversation gets its card once."""
    channels = [f"19:kanal-{n}@thread.tacv2" for n in range(12)]
    async with delivery(database_url, connector) as parts:
        await parts.conversations(channels)
    connector.faults = Faults(hold_after=4)  # Teams takes 4 cards, then answers no more
    with time_machine.travel(AT_NINE - dt.timedelta(seconds=2), tick=True):
        app = create_app(
            settings_for(database_url, reminder_scheduler=True, reminder_retry_base_ms=10)
        )
        scheduler = app[REMINDERS_KEY].scheduler
        assert scheduler is not None
        client = TestClient(TestServer(app))
        await client.start_server()
        await asyncio.wait_for(scheduler.leading.wait(), 10)
        assert scheduler.next_run() == AT_NINE
        await eventually(lambda: connector.held == 4)  # the run is under way
        started = asyncio.get_running_loop().time()
        closing = asyncio.create_task(client.close())
        await eventually(lambda: not scheduler.leading.is_set())  # stopping has begun …
        connector.release()  # … and Teams answers the four
        await asyncio.wait_for(closing, 30)
        assert asyncio.get_running_loop().time() - started < 5
        assert len(parts.posted_counts()) == 8  # 4 + the 4 under way; 4 never begun
        app = create_app(
            settings_for(database_url, reminder_scheduler=True, reminder_retry_base_ms=10)
        )
        async with TestClient(TestServer(app)) as client:
            await eventually(lambda: len(parts.posted_counts()) == 12)
            await asyncio.sleep(0.3)
    assert parts.posted_counts() == {channel: 1 for channel in channels}
