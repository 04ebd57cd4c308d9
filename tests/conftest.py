"""Shared fixtures: databases on both backends, the mock Bot Connector, the bot over HTTP."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.routes import quiet_client_errors
from kombitbot.settings import Settings
from tests.support.connector import MockConnector
from tests.support.databases import BACKENDS, DatabaseFactory
from tests.support.postgres import PostgresTarget, postgres_for_tests

# Microsoft's Teams payloads, the card schemas and the chart examples (see fixtures/SOURCES.md).
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
FIXTURES = FIXTURES_DIR / "teams-activities"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Shortly after the newest deck (status opgjort 20.11.25): the clock most tests run with.
FIXED_NOW = dt.datetime(2025, 11, 25, 10, 0, tzinfo=COPENHAGEN)


@pytest.fixture(scope="session", autouse=True)
def client_errors_logged_as_the_service_logs_them() -> None:
    """What ``app.main`` sets for the process: malformed HTTP is a warning, not a traceback."""
    quiet_client_errors()


@pytest.fixture(scope="session")
def postgres_target() -> Iterator[PostgresTarget]:
    """The server given by KOMBITBOT_TEST_POSTGRES_URL, or a throwaway one of the session's own."""
    with postgres_for_tests() as target:
        yield target


@pytest.fixture(scope="session")
def postgres_admin_url(postgres_target: PostgresTarget) -> str:
    """A URL to the test server's administrative database (create, drop, raw connections)."""
    return postgres_target.admin_url


@pytest.fixture(scope="session")
def database_factories(
    tmp_path_factory: pytest.TempPathFactory, postgres_target: PostgresTarget
) -> Iterator[dict[str, DatabaseFactory]]:
    workdir = tmp_path_factory.mktemp("databases")
    factories = {
        backend: DatabaseFactory(backend, workdir, postgres_target) for backend in BACKENDS
    }
    yield factories
    for factory in factories.values():
        factory.cleanup()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, database_factories: dict[str, DatabaseFactory]) -> str:
    """A migrated database with the built-in dataset, fresh for each test."""
    return database_factories[backend].seeded()


@pytest.fixture
def postgres_url(database_factories: dict[str, DatabaseFactory]) -> str:
    """A migrated, seeded PostgreSQL database, for what only PostgreSQL has (or can lose)."""
    return database_factories["postgresql"].seeded()


@pytest.fixture
def empty_database_url(backend: str, database_factories: dict[str, DatabaseFactory]) -> str:
    """A database with no tables at all, as on a first start."""
    return database_factories[backend].empty()


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    """The one mock Bot Connector every test that talks to the bot uses."""
    mock = MockConnector()
    await mock.start()
    yield mock
    await mock.stop()


def teams_activity(name: str, connector: MockConnector, **changes: Any) -> dict[str, Any]:
    """A real Teams payload from tests/fixtures, pointed at the mock connector."""
    activity: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    activity = copy.deepcopy(activity)
    activity["serviceUrl"] = connector.service_url
    activity.update(changes)
    return activity


class BotClient:
    """The bot behind real HTTP: post activities to /api/messages, read what Teams received."""

    def __init__(self, client: TestClient, connector: MockConnector) -> None:
        self.http = client
        self.connector = connector

    async def post(self, activity: dict[str, Any]) -> int:
        response = await self.http.post("/api/messages", json=activity)
        return response.status

    async def ask(self, text: str, fixture: str = "personal-message", **changes: Any) -> str:
        """Send a personal-chat message and return everything the user can read in the reply."""
        before = len(self.connector.received)
        status = await self.post(teams_activity(fixture, self.connector, text=text, **changes))
        assert status in (200, 201), status
        received = await self.connector.wait_for(before + 1)
        return received[before].all_text()


async def wait_ready(client: TestClient, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get("/readyz")
        if response.status == 200:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not ready: {await response.text()}")
        await asyncio.sleep(0.05)


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Production settings for a test's service, without the reminder scheduler unless a test
    asks for it: it runs on the real wall clock, so at 09:00 on a weekday it would send the
    day's reminders into whichever test is running (the scheduler and the fan-out have tests
    of their own, in tests/notifications)."""
    values: dict[str, Any] = {"reminder_scheduler": False, **overrides}
    return Settings(database_url=database_url, **values)


@pytest.fixture
async def bot(database_url: str, connector: MockConnector) -> AsyncIterator[BotClient]:
    """The whole service on a seeded database, with the clock at FIXED_NOW."""
    app = create_app(settings_for(database_url), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        yield BotClient(client, connector)
