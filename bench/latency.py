"""End-to-end answer latency versus a trivial echo bot, on the same stack, side by side.

Both bots run behind the same aiohttp route and CloudAdapter (no inbound auth, as locally) and
reply to the same local mock Bot Connector; one answers KOMBIT questions from the built-in
data, the other echoes the text. Each sample is the time from POSTing a Teams personal-chat
activity to /api/messages until the reply has arrived at the connector. Requests alternate
between the two bots so drift on the machine hits both alike.

Targets (issue #3): median ≤ 1.2 × echo, p99 ≤ 2 × echo.

Run:  .venv/bin/python bench/latency.py [--rounds 300] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, web  # noqa: E402
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext  # noqa: E402

from app import create_app  # noqa: E402
from bench._databases import drop, empty_database  # noqa: E402
from bot.adapter import create_adapter  # noqa: E402
from bot.routes import messages_handler  # noqa: E402
from kombitbot.settings import Settings  # noqa: E402
from tests.support.connector import MockConnector  # noqa: E402

QUESTIONS = [
    "Hvilke aftaler mangler Vejle at underskrive?",
    "hvem mangler at underskrive tilslutningsaftalen om datastandarder?",
    "status på ADG_0",
    "hvilke KLIK-opgaver har SAPA?",
    "hvad har deadline i december 2025?",
    "hvornår er næste frozen zone?",
    "hvem kan jeg spørge om VALG?",
    "which agreements does Vejle still need to sign?",
    "hvornår gik Vejle live på KY?",
    "hvilke aftaler mangler Vejel at underskrive?",
]
FIXTURE = ROOT.parent / "shared" / "fixtures" / "teams-activities" / "personal-message.json"
NOW = dt.datetime(2025, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


class EchoBot(ActivityHandler):  # type: ignore[misc]
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text or ""))


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def one(
    session: ClientSession, url: str, connector: MockConnector, activity: dict[str, Any]
) -> float:
    before = len(connector.received)
    started = time.perf_counter()
    async with session.post(f"{url}/api/messages", json=activity) as response:
        assert response.status in (200, 201), response.status
    await connector.wait_for(before + 1, timeout=10)
    return time.perf_counter() - started


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main(rounds: int, database_url: str) -> None:
    connector = MockConnector()
    await connector.start()
    settings = Settings(database_url=database_url)
    real = create_app(settings, clock=lambda: NOW)
    echo = web.Application()
    echo.router.add_post(
        "/api/messages",
        messages_handler(
            create_adapter(settings),
            EchoBot(),
            settings.max_body_bytes,
            max_concurrent_turns=settings.max_concurrent_turns,
        ),
    )
    real_runner, real_url = await serve(real)
    echo_runner, echo_url = await serve(echo)
    template = json.loads(FIXTURE.read_text(encoding="utf-8"))
    template["serviceUrl"] = connector.service_url
    samples: dict[str, list[float]] = {"echo": [], "kombitbot": []}
    async with ClientSession() as session:
        deadline = time.monotonic() + 60
        while (await session.get(f"{real_url}/readyz")).status != 200:
            if time.monotonic() > deadline:
                raise SystemExit("the bot did not become ready")
            await asyncio.sleep(0.05)
        for i in range(rounds + 20):
            activity = {**template, "text": QUESTIONS[i % len(QUESTIONS)], "id": f"bench-{i}"}
            echo_s = await one(session, echo_url, connector, activity)
            real_s = await one(session, real_url, connector, activity)
            if i >= 20:  # warm-up
                samples["echo"].append(echo_s)
                samples["kombitbot"].append(real_s)
    await real_runner.cleanup()
    await echo_runner.cleanup()
    await connector.stop()

    echo_median, echo_p99 = statistics.median(samples["echo"]), pct(samples["echo"], 99)
    real_median, real_p99 = statistics.median(samples["kombitbot"]), pct(samples["kombitbot"], 99)
    backend = database_url.split(":", 1)[0]
    print(
        f"end-to-end latency, POST /api/messages → reply at the mock connector ({rounds} questions each, {backend})"
    )
    print(f"{'':<22}{'echo':>10}{'kombitbot':>12}{'ratio':>8}{'target':>9}")
    print(
        f"{'median (ms)':<22}{echo_median * 1e3:>10.2f}{real_median * 1e3:>12.2f}{real_median / echo_median:>8.2f}{'≤ 1.20':>9}"
    )
    print(
        f"{'p99 (ms)':<22}{echo_p99 * 1e3:>10.2f}{real_p99 * 1e3:>12.2f}{real_p99 / echo_p99:>8.2f}{'≤ 2.00':>9}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, name = empty_database(args.database, Path(tmp))
        try:
            asyncio.run(main(args.rounds, url))
        finally:
            drop(args.database, name)
