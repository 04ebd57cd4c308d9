"""A live poll with 1,000 voters versus a trivial invoke handler, side by side, in one run.

Both bots run behind the same aiohttp route and CloudAdapter (no inbound auth, as locally),
in this process. A separate load process sends the votes: 1,000 distinct voters, each one
``adaptiveCard/action`` invoke (an ``Action.Execute`` click) POSTed to /api/messages, with 50
concurrent senders. The trivial handler only counts in memory and answers the same invoke
response; kombitbot stores each vote in its own transaction and keeps the posted card up to
date through the local mock Bot Connector.

Reported: votes stored (must be 1,000), lost and doubled (must be 0), card updates sent and
the most in any 2-second window (target ≤ 1), ack latency p50/p99 (the invoke's HTTP response)
and throughput, with ratios (targets: p99 ≤ 1.5 × trivial, throughput ≥ 0.8 × trivial).

The process runs with the garbage-collector settings of the service's entry point
(``app.main`` calls :func:`kombitbot.gc_tuning.tune_garbage_collector`); both handlers share
the process and so the settings. ``--gc cpython`` keeps CPython's defaults instead, to see
what the tuning is worth.

Run:  .venv/bin/python bench/polls.py [--voters 1000] [--concurrency 50] [--database sqlite|postgresql|both] [--gc service|cpython]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, TCPConnector, web  # noqa: E402
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app import POLLS_KEY, create_app  # noqa: E402
from bench._databases import drop, empty_database  # noqa: E402
from bot.adapter import create_adapter  # noqa: E402
from bot.routes import messages_handler  # noqa: E402
from kombitbot.gc_tuning import tune_garbage_collector  # noqa: E402
from kombitbot.settings import Settings  # noqa: E402
from store.models import PollBallot, PollOption  # noqa: E402
from tests.support.connector import MockConnector  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "teams-activities"
MENTION = "<at>Teams Bot</at> "


class TrivialInvokeBot(ActivityHandler):  # type: ignore[misc]
    """The floor: the same stack, an invoke handler that only counts in memory."""

    def __init__(self) -> None:
        self.votes: dict[str, str] = {}

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        data = activity.value["action"]["data"]
        self.votes[activity.from_property.aad_object_id] = str(data.get("o"))
        return InvokeResponse(
            status=200,
            body={
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": "Din stemme: Ja",
            },
        )


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def invokes(service_url: str, data: list[dict[str, Any]], voters: int) -> list[dict[str, Any]]:
    """One Action.Execute invoke per voter, in the group chat, options in turn."""
    template = fixture("invoke-adaptive-card-action-execute")
    group = fixture("group-chat-message-bot-mention")
    template["serviceUrl"] = service_url
    template["conversation"] = group["conversation"]
    template["recipient"] = group["recipient"]
    result = []
    for n in range(voters):
        activity = copy.deepcopy(template)
        activity["id"] = f"vote-{n}"
        activity["from"] = {"id": f"29:v{n}", "name": f"Voter {n}", "aadObjectId": f"aad-v{n}"}
        choice = data[n % len(data)]
        activity["value"]["action"] = {
            "type": "Action.Execute",
            "verb": "poll_vote",
            "data": choice,
        }
        result.append(activity)
    return result


def load(
    url: str, activities: list[dict[str, Any]], concurrency: int
) -> tuple[list[float], float, int]:
    """In the load process: send every activity, ``concurrency`` at a time.

    Returns each ack latency (seconds), the wall time, and how many were not answered 200.
    """

    async def run() -> tuple[list[float], float, int]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for activity in activities:
            queue.put_nowait(activity)
        latencies: list[float] = []
        failures = 0

        async def sender(session: ClientSession) -> None:
            nonlocal failures
            while not queue.empty():
                activity = queue.get_nowait()
                started = time.perf_counter()
                async with session.post(f"{url}/api/messages", json=activity) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        async with ClientSession(connector=TCPConnector(limit=concurrency)) as session:
            started = time.perf_counter()
            await asyncio.gather(*(sender(session) for _ in range(concurrency)))
            wall = time.perf_counter() - started
        return latencies, wall, failures

    return asyncio.run(run())


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_backend(
    database_url: str, voters: int, concurrency: int, pool: ProcessPoolExecutor
) -> dict[str, Any]:
    connector = MockConnector()
    await connector.start()
    settings = Settings(database_url=database_url)
    real = create_app(settings)
    trivial_bot = TrivialInvokeBot()
    trivial = web.Application()
    trivial.router.add_post(
        "/api/messages",
        messages_handler(
            create_adapter(settings),
            trivial_bot,
            settings.max_body_bytes,
            max_concurrent_turns=settings.max_concurrent_turns,
        ),
    )
    real_runner, real_url = await serve(real)
    trivial_runner, trivial_url = await serve(trivial)
    loop = asyncio.get_running_loop()
    try:
        async with ClientSession() as session:
            deadline = time.monotonic() + 60
            while (await session.get(f"{real_url}/readyz")).status != 200:
                if time.monotonic() > deadline:
                    raise SystemExit("the bot did not become ready")
                await asyncio.sleep(0.05)
            start = fixture("group-chat-message-bot-mention")
            start["serviceUrl"] = connector.service_url
            start["text"] = (
                MENTION
                + "afstemning: Er du enig i, at integrationen af rollegalleriet i KLIK vil skabe værdi? Ja; Nej; Måske"
            )
            async with session.post(f"{real_url}/api/messages", json=start) as response:
                assert response.status in (200, 201), response.status
        [posted] = await connector.wait_for(1)
        [card] = posted.cards
        buttons = [a["data"] for a in card["actions"] if a["data"]["kombitbot"] == "poll_vote"]
        poll_id = buttons[0]["poll"]
        activities = invokes(connector.service_url, buttons, voters)
        warm = invokes(connector.service_url, buttons, 20)
        for activity in warm:  # warm both stacks (imports, pools) with other voters
            activity["from"]["aadObjectId"] += "-warm"
        await loop.run_in_executor(pool, load, trivial_url, warm, 5)
        await loop.run_in_executor(pool, load, real_url, warm, 5)
        polls = real[POLLS_KEY]
        await polls.live.idle()
        updates_before = len([r for r in connector.received if r.method == "update"])
        results: dict[str, tuple[list[float], float, int]] = {}
        for name, url in (("trivial", trivial_url), ("kombitbot", real_url)):
            results[name] = await loop.run_in_executor(pool, load, url, activities, concurrency)
        voting_ended = time.monotonic()
        await polls.live.idle()
        settled = time.monotonic() - voting_ended
        update_times = [r.at for r in connector.received if r.method == "update"][updates_before:]
        final = [r for r in connector.received if r.method == "update"][-1]
        async with polls.store._sessions() as db:
            ballots = int(
                await db.scalar(
                    select(func.count())
                    .select_from(PollBallot)
                    .where(PollBallot.poll_id == poll_id)
                )
                or 0
            )
            distinct = int(
                await db.scalar(
                    select(func.count(func.distinct(PollBallot.voter_key))).where(
                        PollBallot.poll_id == poll_id
                    )
                )
                or 0
            )
            counted = int(
                await db.scalar(
                    select(func.sum(PollOption.votes)).where(
                        PollOption.id.in_([b["o"] for b in buttons])
                    )
                )
                or 0
            )
        expected = voters + len(warm)
        chart = next(e for e in final.cards[0]["body"] if e["type"] == "Chart.HorizontalBar")
        shown = sum(d["y"] for d in chart["data"])
    finally:
        await real_runner.cleanup()
        await trivial_runner.cleanup()
        await connector.stop()
    return {
        "results": results,
        "stored": ballots,
        "expected": expected,
        "lost": expected - distinct,
        "doubled": counted - distinct,
        "final_card_total": shown,
        "updates": len(update_times),
        "max_updates_2s": max_in_window(update_times, 2.0),
        "settled_s": settled,
        "trivial_counted": len(trivial_bot.votes),
    }


def report(backend: str, voters: int, concurrency: int, r: dict[str, Any]) -> None:
    trivial_lat, trivial_wall, trivial_fail = r["results"]["trivial"]
    real_lat, real_wall, real_fail = r["results"]["kombitbot"]
    t_p50, t_p99 = statistics.median(trivial_lat), pct(trivial_lat, 99)
    k_p50, k_p99 = statistics.median(real_lat), pct(real_lat, 99)
    t_tput, k_tput = len(trivial_lat) / trivial_wall, len(real_lat) / real_wall
    print(f"\n== {backend}: {voters} distinct voters, {concurrency} concurrent senders ==")
    print(f"{'':<26}{'trivial':>10}{'kombitbot':>12}{'ratio':>8}{'target':>10}")
    print(
        f"{'ack latency p50 (ms)':<26}{t_p50 * 1e3:>10.1f}{k_p50 * 1e3:>12.1f}{k_p50 / t_p50:>8.2f}{'':>10}"
    )
    print(
        f"{'ack latency p99 (ms)':<26}{t_p99 * 1e3:>10.1f}{k_p99 * 1e3:>12.1f}{k_p99 / t_p99:>8.2f}{'≤ 1.50':>10}"
    )
    print(
        f"{'throughput (votes/s)':<26}{t_tput:>10.1f}{k_tput:>12.1f}{k_tput / t_tput:>8.2f}{'≥ 0.80':>10}"
    )
    print(f"{'non-200 answers':<26}{trivial_fail:>10}{real_fail:>12}")
    print(
        f"votes stored {r['stored']} of {r['expected']} sent ({voters} + {r['expected'] - voters} warm-up); "
        f"lost {r['lost']}, doubled {r['doubled']}; final card shows {r['final_card_total']}"
    )
    print(
        f"card updates sent {r['updates']}; most in any 2 s window {r['max_updates_2s']} (target ≤ 1); "
        f"last update {r['settled_s']:.2f} s after the last vote was acknowledged"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--gc", choices=("service", "cpython"), default="service")
    args = parser.parse_args()
    if args.gc == "service":
        tune_garbage_collector()
    print(f"garbage collector: {args.gc} settings, thresholds {gc.get_threshold()}")
    backends = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    with (
        ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool,
        tempfile.TemporaryDirectory() as tmp,
    ):
        for backend in backends:
            url, name = empty_database(backend, Path(tmp))
            try:
                outcome = asyncio.run(run_backend(url, args.voters, args.concurrency, pool))
            finally:
                drop(backend, name)
            report(backend, args.voters, args.concurrency, outcome)


if __name__ == "__main__":
    main()
