"""A live poll with 1,000 voters versus a trivial invoke handler, side by side, in one run.

Both bots run behind the same aiohttp route and CloudAdapter (no inbound auth, as locally),
in this process. A separate load process sends the votes: for each of ``--rounds`` polls,
1,000 distinct voters, each one ``adaptiveCard/action`` invoke (an ``Action.Execute`` click)
POSTed to /api/messages, with 50 concurrent senders, to both handlers in turn (which goes
first alternates between polls: the machine's speed drifts, and a single pair of runs can
miss the true ratio either way; on the 2-core machine one poll's throughput ratio ranged
0.71-0.99 within one run, so the median is taken over 9 polls by default). The trivial handler only counts in memory and answers the
same invoke response; kombitbot stores each vote in its own transaction and keeps the posted card up to
date through the local mock Bot Connector.

Reported: votes stored (must be 1,000), lost and doubled (must be 0), card updates sent and
the most in any 2-second window (target ≤ 1), ack latency p50/p99 (the invoke's HTTP response)
and throughput, with ratios per poll and their median over the polls (targets: p99 ≤ 1.5 ×
trivial, throughput ≥ 0.8 × trivial). Also the CPU time this process (the bots, not the load
process nor the database server) spends per vote under each handler: throughput follows it
(the process is CPU-bound under both), though it too moves with the machine's speed.

The process runs with the garbage-collector settings of the service's entry point
(``app.main`` calls :func:`kombitbot.gc_tuning.tune_garbage_collector`); both handlers share
the process and so the settings. ``--gc cpython`` keeps CPython's defaults instead, to see
what the tuning is worth.

Run:  .venv/bin/python bench/polls.py [--voters 1000] [--concurrency 50] [--rounds 9] [--database sqlite|postgresql|both] [--gc service|cpython]
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
from store.models import PollBallot, PollOption, PollOptionShard  # noqa: E402
from tests.support.connector import MockConnector  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "teams-activities"
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


async def start_poll(
    session: ClientSession, real_url: str, connector: MockConnector, question: str
) -> tuple[str, list[dict[str, Any]]]:
    """Post a poll in the group chat; its id and the data of its vote buttons."""
    before = len(connector.received)
    start = fixture("group-chat-message-bot-mention")
    start["serviceUrl"] = connector.service_url
    start["text"] = f"{MENTION}afstemning: {question} Ja; Nej; Måske"
    async with session.post(f"{real_url}/api/messages", json=start) as response:
        assert response.status in (200, 201), response.status
    posted = (await connector.wait_for(before + 1))[before]
    [card] = posted.cards
    buttons = [a["data"] for a in card["actions"] if a["data"]["kombitbot"] == "poll_vote"]
    return buttons[0]["poll"], buttons


async def count_poll(polls: Any, poll_id: str, option_ids: list[int]) -> tuple[int, int, int]:
    """Ballots stored, distinct voters among them, and the sum of the option counters (read
    from the tables directly, not through the store)."""
    async with polls.store._sessions() as db:
        ballots = await db.scalar(
            select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll_id)
        )
        distinct = await db.scalar(
            select(func.count(func.distinct(PollBallot.voter_key))).where(
                PollBallot.poll_id == poll_id
            )
        )
        counted = await db.scalar(
            select(func.sum(PollOption.votes)).where(PollOption.id.in_(option_ids))
        )
        sliced = await db.scalar(  # PostgreSQL counts first votes in shards
            select(func.sum(PollOptionShard.votes)).where(PollOptionShard.option_id.in_(option_ids))
        )
    return int(ballots or 0), int(distinct or 0), int(counted or 0) + int(sliced or 0)


async def run_backend(
    database_url: str, voters: int, concurrency: int, rounds: int, pool: ProcessPoolExecutor
) -> list[dict[str, Any]]:
    """``rounds`` polls of ``voters`` distinct voters each, the two handlers taking turns."""
    connector = MockConnector()
    await connector.start()
    settings = Settings(database_url=database_url)
    real = create_app(settings)
    trivial_bot = TrivialInvokeBot()
    trivial = web.Application()
    trivial_adapter = create_adapter(settings)
    trivial.router.add_post(
        "/api/messages",
        messages_handler(
            trivial_adapter,
            trivial_bot,
            settings.max_body_bytes,
            max_concurrent_turns=settings.max_concurrent_turns,
        ),
    )
    real_runner, real_url = await serve(real)
    trivial_runner, trivial_url = await serve(trivial)
    urls = {"trivial": trivial_url, "kombitbot": real_url}
    loop = asyncio.get_running_loop()
    polls = real[POLLS_KEY]
    outcomes: list[dict[str, Any]] = []
    try:
        async with ClientSession() as session:
            deadline = time.monotonic() + 60
            while (await session.get(f"{real_url}/readyz")).status != 200:
                if time.monotonic() > deadline:
                    raise SystemExit("the bot did not become ready")
                await asyncio.sleep(0.05)
            # Warm both stacks (imports, pools, caches) on a poll of its own.
            _warm_poll, buttons = await start_poll(session, real_url, connector, "Opvarmning?")
            warm = invokes(connector.service_url, buttons, 20)
            for activity in warm:
                activity["from"]["aadObjectId"] += "-warm"
            for url in urls.values():
                await loop.run_in_executor(pool, load, url, warm, 5)
            await polls.live.idle()
            for n in range(rounds):
                poll_id, buttons = await start_poll(
                    session, real_url, connector, f"Er du enig i udsagn {n + 1}?"
                )
                activities = invokes(connector.service_url, buttons, voters)
                await polls.live.idle()
                updates_before = len([r for r in connector.received if r.method == "update"])
                order = ("trivial", "kombitbot") if n % 2 == 0 else ("kombitbot", "trivial")
                results: dict[str, tuple[list[float], float, int]] = {}
                cpu: dict[str, float] = {}
                voting_ended = 0.0
                for name in order:
                    # Each handler starts from a collected heap, so neither pays for the
                    # garbage the other left (the second of a pair otherwise does).
                    gc.collect()
                    cpu_before = time.process_time()
                    results[name] = await loop.run_in_executor(
                        pool, load, urls[name], activities, concurrency
                    )
                    cpu[name] = time.process_time() - cpu_before
                    if name == "kombitbot":
                        voting_ended = time.monotonic()
                await polls.live.idle()
                settled = time.monotonic() - voting_ended
                updates = [r for r in connector.received if r.method == "update"][updates_before:]
                update_times = [r.at for r in updates]
                stored, distinct, counted = await count_poll(
                    polls, poll_id, [b["o"] for b in buttons]
                )
                chart = next(
                    e for e in updates[-1].cards[0]["body"] if e["type"] == "Chart.HorizontalBar"
                )
                outcomes.append(
                    {
                        "order": order,
                        "results": results,
                        "cpu": cpu,
                        "stored": stored,
                        "expected": voters,
                        "lost": voters - distinct,
                        "doubled": counted - distinct,
                        "final_card_total": sum(d["y"] for d in chart["data"]),
                        "updates": len(update_times),
                        "max_updates_2s": max_in_window(update_times, 2.0),
                        "settled_s": settled,
                    }
                )
    finally:
        await real_runner.cleanup()
        await trivial_runner.cleanup()
        await trivial_adapter.close()
        await connector.stop()
    return outcomes


def figures(r: dict[str, Any]) -> dict[str, tuple[float, float, float]]:
    """p50 and p99 (ms), throughput (votes/s) and the bot process's CPU per vote (µs) of each
    handler in one round: (t, k, k/t)."""
    out: dict[str, tuple[float, float, float]] = {}
    (t_lat, t_wall, _), (k_lat, k_wall, _) = r["results"]["trivial"], r["results"]["kombitbot"]
    pairs = {
        "p50": (statistics.median(t_lat) * 1e3, statistics.median(k_lat) * 1e3),
        "p99": (pct(t_lat, 99) * 1e3, pct(k_lat, 99) * 1e3),
        "tput": (len(t_lat) / t_wall, len(k_lat) / k_wall),
        "cpu": (r["cpu"]["trivial"] / len(t_lat) * 1e6, r["cpu"]["kombitbot"] / len(k_lat) * 1e6),
    }
    for key, (t, k) in pairs.items():
        out[key] = (t, k, k / t)
    return out


def report(backend: str, voters: int, concurrency: int, rounds: list[dict[str, Any]]) -> None:
    print(
        f"\n== {backend}: {len(rounds)} polls of {voters} distinct voters, {concurrency} "
        "concurrent senders; the handlers take turns, the first alternating =="
    )
    print(
        f"{'poll':<6}{'first':<11}{'p50 ms trivial/kombitbot':>26}"
        f"{'p99 ms trivial/kombitbot':>29}{'votes/s trivial/kombitbot':>31}"
        f"{'bot CPU µs/vote':>27}{'non-200':>9}"
    )
    per_round = [figures(r) for r in rounds]
    for n, (r, f) in enumerate(zip(rounds, per_round, strict=True), 1):
        failures = r["results"]["trivial"][2] + r["results"]["kombitbot"][2]
        cells = [
            f"{f[key][0]:>7.1f} /{f[key][1]:>7.1f}  ({f[key][2]:.2f}×)" for key in ("p50", "p99")
        ] + [
            f"{f['tput'][0]:>8.1f} /{f['tput'][1]:>8.1f}  ({f['tput'][2]:.2f}×)",
            f"{f['cpu'][0]:>6.0f} /{f['cpu'][1]:>6.0f}  ({f['cpu'][2]:.2f}×)",
        ]
        print(
            f"{n:<6}{r['order'][0]:<11}{cells[0]:>26}{cells[1]:>29}{cells[2]:>31}{cells[3]:>27}"
            f"{failures:>9}"
        )
    p99 = statistics.median(f["p99"][2] for f in per_round)
    tput = statistics.median(f["tput"][2] for f in per_round)
    cpu = statistics.median(f["cpu"][2] for f in per_round)
    print(
        f"median of the {len(rounds)} polls: p99 ratio {p99:.3f} (target ≤ 1.50, "
        f"{'met' if p99 <= 1.5 else 'NOT met'}), throughput ratio {tput:.3f} "
        f"(target ≥ 0.80, {'met' if tput >= 0.8 else 'NOT met'}); the bot process's CPU per vote "
        f"{cpu:.2f}× the trivial handler's (no target: it is what the throughput ratio follows)"
    )
    for n, r in enumerate(rounds, 1):
        print(
            f"poll {n}: votes stored {r['stored']} of {r['expected']}; lost {r['lost']}, "
            f"doubled {r['doubled']}; final card shows {r['final_card_total']}; "
            f"card updates {r['updates']}, most in any 2 s {r['max_updates_2s']} (target ≤ 1), "
            f"last {r['settled_s']:.2f} s after the last vote was acknowledged"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--gc", choices=("service", "cpython"), default="service")
    parser.add_argument(
        "--rounds", type=int, default=9, help="polls per database, the handlers taking turns"
    )
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
                outcome = asyncio.run(
                    run_backend(url, args.voters, args.concurrency, args.rounds, pool)
                )
            finally:
                drop(backend, name)
            report(backend, args.voters, args.concurrency, outcome)


if __name__ == "__main__":
    main()
