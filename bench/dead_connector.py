"""Answer time while turns are stuck on a Bot Connector that never answers, side by side.

kombitbot runs in this process on a fresh SQLite database with the built-in data, replying to
the tests' mock Bot Connector. First a baseline: questions asked one at a time, the time from
POST /api/messages until the reply is at the connector. Then ``--stuck`` activities (default
40, more than the 32 turn slots) whose serviceUrl is a peer that accepts connections and never
answers are posted at once, and while all of them wait, the same questions are asked again.
Reports both medians and maxima, the ratio, and the target: every answer within 2 s while the
stuck turns wait (each ends at the outbound deadline, KOMBITBOT_OUTBOUND_TIMEOUT_SECONDS).

Run:  .venv/bin/python bench/dead_connector.py [--stuck 40] [--questions 30]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, web  # noqa: E402

from app import create_app  # noqa: E402
from bench.latency import FIXTURE, QUESTIONS  # noqa: E402
from kombitbot.settings import Settings  # noqa: E402
from tests.support.blackhole import BlackHole  # noqa: E402
from tests.support.connector import MockConnector  # noqa: E402

TARGET_S = 2.0


async def ask(
    session: ClientSession, url: str, connector: MockConnector, text: str, n: int
) -> float:
    activity: dict[str, Any] = copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))
    activity.update(serviceUrl=connector.service_url, text=text, id=f"q{n}")
    before = len(connector.received)
    started = time.perf_counter()
    async with session.post(f"{url}/api/messages", json=activity) as response:
        assert response.status in (200, 201), response.status
    await connector.wait_for(before + 1, timeout=30)
    return time.perf_counter() - started


async def main(stuck: int, questions: int) -> None:
    connector, hole = MockConnector(), BlackHole()
    await connector.start()
    await hole.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.sqlite3", reminder_scheduler=False)
        runner = web.AppRunner(create_app(settings), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}"
        try:
            async with ClientSession() as session:
                for _ in range(600):
                    if (await session.get(f"{url}/readyz")).status == 200:
                        break
                    await asyncio.sleep(0.1)
                texts = [QUESTIONS[n % len(QUESTIONS)] for n in range(questions)]
                for n, text in enumerate(texts[:5]):  # warm-up, not counted
                    await ask(session, url, connector, text, -1 - n)
                baseline = [await ask(session, url, connector, t, n) for n, t in enumerate(texts)]

                activity = json.loads(FIXTURE.read_text(encoding="utf-8"))
                posts = []
                for n in range(stuck):
                    one = copy.deepcopy(activity)
                    one.update(serviceUrl=hole.url, text="hjælp", id=f"stuck{n}")
                    one["conversation"] = {**one["conversation"], "id": f"a:stuck-{n}"}
                    posts.append(asyncio.create_task(session.post(f"{url}/api/messages", json=one)))
                for _ in range(3000):
                    if hole.accepted >= stuck:
                        break
                    await asyncio.sleep(0.01)
                during = [
                    await ask(session, url, connector, t, 1000 + n) for n, t in enumerate(texts)
                ]
                still_waiting = sum(1 for p in posts if not p.done())
                for post in posts:
                    (await post).release()
        finally:
            await runner.cleanup()
            await hole.stop()
            await connector.stop()

    def row(name: str, values: list[float]) -> str:
        return f"{name:<34} {statistics.median(values) * 1000:>9.1f} {max(values) * 1000:>9.1f}"

    print(f"kombitbot, {questions} questions each, {stuck} turns stuck on a silent connector")
    print(f"{'':<34} {'p50 ms':>9} {'max ms':>9}")
    print(row("no stuck turns", baseline))
    print(row(f"{stuck} stuck turns waiting", during))
    ratio = statistics.median(during) / statistics.median(baseline)
    verdict = "met" if max(during) <= TARGET_S and still_waiting == stuck else "NOT met"
    print(f"median ratio (stuck / none): {ratio:.2f}")
    print(f"stuck turns still waiting when the last answer came: {still_waiting} of {stuck}")
    print(f"target: every answer within {TARGET_S:.0f} s while they wait — {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stuck", type=int, default=40)
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the stuck turns' warnings are expected
    asyncio.run(main(args.stuck, args.questions))
