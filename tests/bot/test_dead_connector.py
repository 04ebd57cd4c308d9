"""A Bot Connector that accepts connections and never answers stalls nobody else.

Teams' connector can be slow, and a hostile serviceUrl can be a black hole. Forty turns whose
replies go into one, more than the instance's turn slots, still leave a normal question from
another conversation answered while they wait; each of them ends at the outbound deadline with
a warning, not an error, and the instance is ready throughout.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from tests.conftest import FIXED_NOW, BotClient, settings_for, teams_activity, wait_ready
from tests.support.blackhole import BlackHole
from tests.support.connector import MockConnector

STUCK_TURNS = 40
TIMEOUT = 4  # seconds; the default is 10, shortened so the stuck turns end sooner


@pytest.fixture
async def blackhole() -> AsyncIterator[BlackHole]:
    hole = BlackHole()
    await hole.start()
    yield hole
    await hole.stop()


async def test_forty_turns_stuck_on_a_dead_connector_leave_a_normal_question_answered(
    database_url: str,
    connector: MockConnector,
    blackhole: BlackHole,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(database_url, outbound_timeout_seconds=TIMEOUT)
    app = create_app(settings, clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        with caplog.at_level(logging.WARNING):
            stuck = []
            for n in range(STUCK_TURNS):
                activity = teams_activity("personal-message", connector, text="hjælp")
                activity["serviceUrl"] = blackhole.url
                activity["conversation"] = {**activity["conversation"], "id": f"a:stuck-{n}"}
                stuck.append(asyncio.create_task(client.post("/api/messages", json=activity)))
            for _ in range(500):
                if blackhole.accepted >= STUCK_TURNS:
                    break
                await asyncio.sleep(0.01)
            assert blackhole.accepted == STUCK_TURNS  # every stuck turn is waiting on it

            answer = await bot.ask("Hvilke aftaler mangler Vejle at underskrive?")
            assert "Aftaler – Vejle" in answer
            assert not any(task.done() for task in stuck), "answered while they still wait"
            ready = await client.get("/readyz")
            assert ready.status == 200
            assert (await ready.json())["turns"]["busy"] == 0

            statuses = [(await task).status for task in stuck]
    assert statuses == [201] * STUCK_TURNS
    undelivered = [r for r in caplog.records if "could not be delivered" in r.getMessage()]
    assert len(undelivered) == STUCK_TURNS
    assert all(r.levelno == logging.WARNING for r in undelivered)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
