"""Starting the service: first start on an empty database migrates and loads KOMBIT's data."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from tests.conftest import FIXED_NOW, BotClient, settings_for, wait_ready
from tests.support.connector import MockConnector


async def test_first_start_on_an_empty_database_loads_the_builtin_data(
    empty_database_url: str, connector: MockConnector
) -> None:
    app = create_app(settings_for(empty_database_url), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        text = await BotClient(client, connector).ask("datastatus")
    assert "Kommuner: 98" in text
    assert "KLIK-opgaver: 38" in text
    assert "Aftaler: 38" in text


async def test_a_restart_does_not_load_the_data_twice(
    empty_database_url: str, connector: MockConnector
) -> None:
    for _ in range(2):
        app = create_app(settings_for(empty_database_url), clock=lambda: FIXED_NOW)
        async with TestClient(TestServer(app)) as client:
            await wait_ready(client)
            text = await BotClient(client, connector).ask("datastatus")
        assert "Kommuner: 98" in text


async def test_without_an_app_id_the_bot_warns_that_requests_are_not_authenticated(
    database_url: str, caplog: object
) -> None:
    import logging

    assert isinstance(caplog, __import__("_pytest.logging").logging.LogCaptureFixture)
    with caplog.at_level(logging.WARNING, logger="kombitbot"):
        create_app(settings_for(database_url))
    assert "NOT authenticated" in caplog.text
