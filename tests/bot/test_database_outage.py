"""When PostgreSQL goes away the bot says so, /readyz turns 503, and both recover by themselves.

This stops and starts the machine's real PostgreSQL cluster (SQLite has no server to stop), and
always starts it again.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from tests.conftest import FIXED_NOW, BotClient, settings_for, wait_ready
from tests.support.clicks import person
from tests.support.connector import MockConnector
from tests.support.polls import button, latest_card, settle, start_poll, vote


async def _run(*command: str) -> int:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(process.wait(), 60)


def _pg_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]


async def _cluster(action: str) -> None:
    version = _pg_version()
    extra = ("-m", "fast") if action == "stop" else ()
    code = await _run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, *extra)
    assert code == 0, f"pg_ctlcluster {action} failed"


async def _wait_until_accepting() -> None:
    for _ in range(300):
        if await _run("pg_isready", "-q", "-h", "127.0.0.1") == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("PostgreSQL did not come back")


async def test_an_outage_is_answered_honestly_and_the_bot_recovers(
    postgres_url: str, connector: MockConnector
) -> None:
    url = postgres_url
    app = create_app(settings_for(url), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        question = "Hvilke aftaler mangler Vejle at underskrive?"
        assert "Aftaler – Vejle" in await bot.ask(question)
        await _cluster("stop")
        try:
            await asyncio.sleep(1.2)  # past the snapshot's one-second trust window
            during = await bot.ask(question)
            ready = await client.get("/readyz")
            health = await client.get("/healthz")
        finally:
            await _cluster("start")
            await _wait_until_accepting()
        assert "Jeg kan ikke slå det op lige nu – prøv igen om lidt." in during
        assert ready.status == 503
        assert health.status == 200
        assert "Aftaler – Vejle" in await bot.ask(question)
        assert (await client.get("/readyz")).status == 200


async def test_a_vote_during_an_outage_is_refused_honestly_and_counted_after_it(
    postgres_url: str, connector: MockConnector
) -> None:
    """The click gets "prøv igen om lidt" instead of an error, and the same click after the
    restart is stored (on the vote pool's new connections), once."""
    app = create_app(settings_for(postgres_url), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        _poll_id, card = await start_poll(bot)
        ja = button(card, "Ja")
        assert (await vote(bot, ja, person(1))).startswith("Din stemme: Ja")
        await _cluster("stop")
        try:
            during = await vote(bot, ja, person(2))
        finally:
            await _cluster("start")
            await _wait_until_accepting()
        assert during == "Jeg kan ikke slå det op lige nu – prøv igen om lidt."
        assert (await vote(bot, ja, person(2))).startswith("Din stemme: Ja")
        await settle(bot)
        assert "2 har stemt" in json.dumps(latest_card(connector), ensure_ascii=False)
