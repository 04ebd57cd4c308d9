"""Starting the service: first start on an empty database migrates and loads KOMBIT's data."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app, startup_line
from kombitbot.settings import Settings
from tests.conftest import FIXED_NOW, BotClient, settings_for, wait_ready
from tests.support.connector import MockConnector

ROOT = Path(__file__).resolve().parents[1]


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


def test_the_run_command_says_in_one_line_where_it_listens_and_on_which_database(
    tmp_path: Path,
) -> None:
    """``python app.py`` as scripts/run starts it: one INFO line with address, port, database
    (password hidden) and authentication, then /healthz answers on 127.0.0.1 only."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    database = tmp_path / "bot.sqlite3"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("HOST", "MicrosoftAppId")},
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{database}",
        "LOG_FORMAT": "text",
        "KOMBITBOT_REMINDER_SCHEDULER": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert process.poll() is None, "the service stopped"
                assert time.monotonic() < deadline, "no /healthz within 60 s"
                time.sleep(0.1)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    lines = [line for line in output.splitlines() if "listening on" in line]
    assert len(lines) == 1, output
    assert f"http://127.0.0.1:{port}/api/messages" in lines[0]
    assert f"database sqlite:///{database}" in lines[0]
    assert "authentication OFF" in lines[0]


def test_the_start_line_hides_the_database_password() -> None:
    line = startup_line(
        Settings(database_url="postgresql://bot:hemmelig@db.example:5432/kombitbot")
    )
    assert "hemmelig" not in line
    assert "postgresql://bot:***@db.example:5432/kombitbot" in line


async def test_a_fixed_today_is_said_at_start_and_on_the_help_card_and_answers_use_it(
    database_url: str, connector: MockConnector, caplog: pytest.LogCaptureFixture
) -> None:
    """KOMBITBOT_TODAY for trying the bot out: this week is the week of 24.11.2025."""
    with caplog.at_level(logging.WARNING, logger="kombitbot"):
        app = create_app(settings_for(database_url, today="2025-11-24"))
    assert "KOMBITBOT_TODAY=2025-11-24" in caplog.text and "FIXED" in caplog.text
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        assert "Dagens dato er sat til 24.11.2025" in await bot.ask("hjælp")
        assert "Today is set to 24.11.2025" in await bot.ask("help")
        week = await bot.ask("hvad har deadline i denne uge?")
    assert "uge 48" in week
