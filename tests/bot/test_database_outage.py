"""When PostgreSQL goes away the bot says so, /readyz turns 503, and both recover by themselves.

The server stopped here is a throwaway PostgreSQL these tests start for themselves, always — also
when KOMBITBOT_TEST_POSTGRES_URL names a server: one given to the tests is never stopped (SQLite
has no server to stop).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from tests.conftest import FIXED_NOW, BotClient, settings_for, wait_ready
from tests.support.clicks import person
from tests.support.connector import MockConnector
from tests.support.databases import DatabaseFactory
from tests.support.polls import button, latest_card, settle, start_poll, vote
from tests.support.postgres import PostgresTarget, ThrowawayPostgres, throwaway_postgres


class OwnServer:
    """A seeded database on a server of this module's own, which it may stop and start."""

    def __init__(self, server: ThrowawayPostgres, workdir: Path) -> None:
        self.server = server
        self.databases = DatabaseFactory(
            "postgresql", workdir, PostgresTarget(server.admin_url, server)
        )

    @asynccontextmanager
    async def down(self) -> AsyncIterator[None]:
        """The server is stopped inside the block and accepting connections again after it."""
        await asyncio.to_thread(self.server.stop)
        try:
            yield
        finally:
            await asyncio.to_thread(self.server.start)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnServer]:
    with throwaway_postgres() as server:
        own = OwnServer(server, tmp_path_factory.mktemp("outage"))
        yield own
        own.databases.cleanup()


@pytest.fixture
def own_url(own_server: OwnServer) -> str:
    """A fresh seeded database on the module's own server."""
    return own_server.databases.seeded()


async def test_an_outage_is_answered_honestly_and_the_bot_recovers(
    own_server: OwnServer, own_url: str, connector: MockConnector
) -> None:
    url = own_url
    app = create_app(settings_for(url), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        question = "Hvilke aftaler mangler Vejle at underskrive?"
        assert "Aftaler – Vejle" in await bot.ask(question)
        async with own_server.down():
            await asyncio.sleep(1.2)  # past the snapshot's one-second trust window
            during = await bot.ask(question)
            ready = await client.get("/readyz")
            health = await client.get("/healthz")
        assert "Jeg kan ikke slå det op lige nu – prøv igen om lidt." in during
        assert ready.status == 503
        assert health.status == 200
        assert "Aftaler – Vejle" in await bot.ask(question)
        assert (await client.get("/readyz")).status == 200


async def test_a_vote_during_an_outage_is_refused_honestly_and_counted_after_it(
    own_server: OwnServer, own_url: str, connector: MockConnector
) -> None:
    """The click gets "prøv igen om lidt" instead of an error, and the same click after the
    restart is stored (on the vote pool's new connections), once."""
    app = create_app(settings_for(own_url), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        _poll_id, card = await start_poll(bot)
        ja = button(card, "Ja")
        assert (await vote(bot, ja, person(1))).startswith("Din stemme: Ja")
        async with own_server.down():
            during = await vote(bot, ja, person(2))
        assert during == "Jeg kan ikke slå det op lige nu – prøv igen om lidt."
        assert (await vote(bot, ja, person(2))).startswith("Din stemme: Ja")
        await settle(bot)
        assert "2 har stemt" in json.dumps(latest_card(connector), ensure_ascii=False)
