"""The HTTP edge: probes, and bad requests answered with 4xx without reaching the bot."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from app import create_app
from tests.conftest import FIXED_NOW, BotClient, settings_for, teams_activity, wait_ready
from tests.support.connector import Faults, MockConnector


async def test_health_and_readiness(bot: BotClient) -> None:
    health = await bot.http.get("/healthz")
    ready = await bot.http.get("/readyz")
    assert health.status == 200
    assert ready.status == 200
    assert (await ready.json())["status"] == "ready"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b'{"text": "no type"}', "application/json", 400),
        (b'{"type": "message", "timestamp": "not a date", "entities": 7}', "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"type=message", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_malformed_requests_get_a_client_error_and_no_reply(
    bot: BotClient, body: bytes, content_type: str, status: int
) -> None:
    response = await bot.http.post(
        "/api/messages", data=body, headers={"Content-Type": content_type}
    )
    assert response.status == status
    assert bot.connector.received == []


async def test_an_oversized_body_is_refused(bot: BotClient) -> None:
    activity = teams_activity("personal-message", bot.connector, text="x" * 300_000)
    response = await bot.http.post("/api/messages", json=activity)
    assert response.status == 413
    assert bot.connector.received == []


async def test_readiness_is_503_while_the_database_is_unreachable(
    postgres_admin_url: str,
) -> None:
    missing = (
        make_url(postgres_admin_url)
        .set(database="kombitbot_does_not_exist")
        .render_as_string(False)
    )
    app = create_app(settings_for(missing))
    async with TestClient(TestServer(app)) as client:
        ready = await client.get("/readyz")
        health = await client.get("/healthz")
    assert ready.status == 503
    assert health.status == 200


async def test_activities_beyond_the_turn_limit_wait_their_turn_and_are_all_answered(
    database_url: str, connector: MockConnector
) -> None:
    """With two turns allowed, a third message waits until a turn ends; nothing is refused."""
    app = create_app(settings_for(database_url, max_concurrent_turns=2), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        connector.faults = Faults(hold_after=0)  # Teams takes its time to accept each reply
        posts = [
            asyncio.create_task(
                client.post(
                    "/api/messages",
                    json=teams_activity(
                        "personal-message", connector, id=f"m{n}", text="hvem er jeg?"
                    ),
                )
            )
            for n in range(3)
        ]
        for _ in range(1000):  # up to 10 s on a busy machine
            if connector.held == 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        assert connector.held == 2  # two turns are replying; the third has not started
        assert not any(post.done() for post in posts)
        connector.release()
        statuses = [(await post).status for post in posts]
    assert statuses == [201, 201, 201]
    assert len(connector.received) == 3
