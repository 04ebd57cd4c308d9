"""Reminder fan-out throughput with Teams' rate limits enforced, against the mock connector.

The real fan-out (``app.reminder_runtime``: ledger, rate limiter at the production limits of
50 sends a second per tenant and 7 per conversation, CloudAdapter.continue_conversation)
sends Friday 12 December 2025's digests (four reminders in the built-in data) to several
mixes of conversations and tenants. The mock Bot Connector runs in its own process, as Teams
would, answers everything and records when each card arrived.

Reported per mix, side by side: cards sent (each conversation exactly once), the ceiling the
limits allow (50/s × tenants), the measured rate, the ratio (target ≥ 0.90), and the most
cards any tenant got in any one second (must be ≤ 50). The rate is the mean number of cards
that arrived per whole second of the run, counted from the first arrival and leaving out the
last, partial second (so neither the first burst nor the tail distorts it).

Run:  .venv/bin/python bench/reminders.py [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app import reminder_runtime  # noqa: E402
from bench._databases import drop, empty_database  # noqa: E402
from bot.adapter import create_adapter  # noqa: E402
from kombitbot.settings import Settings  # noqa: E402
from store.db import create_engine  # noqa: E402
from store.models import (  # noqa: E402
    BotConversation,
    Municipality,
    ReminderSubscription,
    UserProfile,
)
from store.repository import Store  # noqa: E402
from tests.notifications.delivery_support import reference  # noqa: E402

DAY = dt.date(2025, 12, 12)
COPENHAGEN = dt.timezone(dt.timedelta(hours=1))
PER_TENANT = 50


@dataclass(frozen=True)
class Mix:
    name: str
    tenants: int
    channels_per_tenant: int
    personal: int = 0  # personal chats of registered programme leaders, in tenant 0


MIXES = (
    Mix("1 tenant, 300 channels", 1, 300),
    Mix("1 tenant, 98 personal + 202 channels", 1, 202, personal=98),
    Mix("2 tenants × 150 channels", 2, 150),
    Mix("3 tenants × 100 channels", 3, 100),
)


# --------------------------------------------------------------------------- the mock, elsewhere


def serve_mock(pipe: Connection) -> None:
    """In the child process: run the mock connector until told to stop; send back arrivals."""
    from tests.support.connector import MockConnector

    async def run() -> None:
        mock = MockConnector()
        await mock.start()
        pipe.send(mock.service_url)
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, pipe.recv)
            if command == "stop":
                break
            arrivals = [(r.conversation_id, r.at) for r in mock.received if r.method == "send"]
            mock.received.clear()
            pipe.send(arrivals)
        await mock.stop()

    asyncio.run(run())


# --------------------------------------------------------------------------- one mix


async def seed(url: str) -> None:
    store = Store(create_engine(url))
    try:
        await store.migrate()
        await store.load_builtin_if_empty()
    finally:
        await store.close()


async def add_conversations(store: Store, mix: Mix, service_url: str) -> dict[str, int]:
    """Insert the mix's conversations; conversation id → tenant number."""
    now = dt.datetime.now(dt.UTC)
    tenants: dict[str, int] = {}
    async with store.sessions() as session, session.begin():
        municipalities = (await session.execute(select(Municipality.id, Municipality.name))).all()
        rows: list[tuple[BotConversation, str, str]] = []
        for tenant in range(mix.tenants):
            for n in range(mix.channels_per_tenant):
                cid = f"19:t{tenant}-c{n}@thread.tacv2"
                tenants[cid] = tenant
                rows.append((_row(cid, "channel", tenant, service_url, now), "", ""))
        for n, (municipality_id, name) in enumerate(municipalities[: mix.personal]):
            cid = f"a:personal-{n}"
            tenants[cid] = 0
            aad = f"aad-{n}"
            row = _row(cid, "personal", 0, service_url, now, user=aad)
            rows.append((row, aad, str(municipality_id)))
            session.add(
                UserProfile(
                    aad_object_id=aad,
                    name=f"Programleder {name}",
                    municipality_id=municipality_id,
                    created_at=now,
                    updated_at=now,
                )
            )
        session.add_all(row for row, _aad, _m in rows)
        await session.flush()
        session.add_all(
            ReminderSubscription(conversation_id=row.id, kind="all", value="", created_at=now)
            for row, _aad, _m in rows
        )
    return tenants


def _row(
    cid: str, kind: str, tenant: int, service_url: str, now: dt.datetime, *, user: str = ""
) -> BotConversation:
    return BotConversation(
        conversation_id=cid,
        conversation_type=kind,
        tenant_id=f"tenant-{tenant}",
        name=cid,
        service_url=service_url,
        reference=reference(service_url, cid, kind),
        user_aad_object_id=user,
        installed_at=now,
        updated_at=now,
    )


async def run_mix(url: str, mix: Mix, service_url: str) -> tuple[dict[str, int], Any, float]:
    settings = Settings(database_url=url, reminder_scheduler=False)
    store = Store(create_engine(url))
    try:
        tenants = await add_conversations(store, mix, service_url)
        clock = lambda: dt.datetime(2025, 12, 12, 9, 0, tzinfo=COPENHAGEN)  # noqa: E731
        adapter = create_adapter(settings)
        runtime = reminder_runtime(settings, store, adapter, clock)
        started = time.perf_counter()
        summary = await runtime.fanout.run(DAY)
        wall = time.perf_counter() - started
        await adapter.close()
    finally:
        await store.close()
    return tenants, summary, wall


def most_in_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def rate(times: list[float]) -> float:
    """Mean arrivals per whole second from the first arrival (the partial last one left out;
    a run shorter than a second counts as one)."""
    if not times:
        return 0.0
    first = min(times)
    seconds = int(max(times) - first)
    if seconds == 0:
        return float(len(times))
    return sum(1 for t in times if t - first < seconds) / seconds


def report(backend: str, results: list[tuple[Mix, dict[str, Any]]]) -> None:
    print(f"\n== reminder fan-out, {backend}: Teams limits {PER_TENANT}/s per tenant enforced ==")
    header = (
        f"{'mix':<38}{'cards':>7}{'once':>6}{'ceiling/s':>11}{'sends/s':>9}"
        f"{'ratio':>7}{'target':>8}{'max 1 s/tenant':>16}{'run s':>7}"
    )
    print(header)
    for mix, r in results:
        print(
            f"{mix.name:<38}{r['cards']:>7}{'yes' if r['once'] else 'NO':>6}"
            f"{r['ceiling']:>11}{r['rate']:>9.1f}{r['rate'] / r['ceiling']:>7.2f}{'≥ 0.90':>8}"
            f"{r['max_window']:>16}{r['wall']:>7.2f}"
        )


def measure(backend: str, workdir: Path, pipe: Connection, service_url: str) -> None:
    results: list[tuple[Mix, dict[str, Any]]] = []
    for mix in MIXES:
        url, name = empty_database(backend, workdir)
        try:
            asyncio.run(seed(url))
            tenants, summary, wall = asyncio.run(run_mix(url, mix, service_url))
        finally:
            drop(backend, name)
        pipe.send("arrivals")
        arrivals: list[tuple[str, float]] = pipe.recv()
        counts: dict[str, int] = defaultdict(int)
        by_tenant: dict[int, list[float]] = defaultdict(list)
        for cid, at in arrivals:
            counts[cid] += 1
            by_tenant[tenants[cid]].append(at)
        every = [t for times in by_tenant.values() for t in times]
        results.append(
            (
                mix,
                {
                    "cards": len(arrivals),
                    "once": set(counts) == set(tenants)
                    and set(counts.values()) == {1}
                    and summary.sent == len(tenants),
                    "ceiling": PER_TENANT * mix.tenants,
                    "rate": rate(every),
                    "max_window": max(most_in_window(t, 1.0) for t in by_tenant.values()),
                    "wall": wall,
                },
            )
        )
    report(backend, results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    mock = context.Process(target=serve_mock, args=(theirs,), daemon=True)
    mock.start()
    service_url = ours.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for backend in backends:
                measure(backend, Path(tmp), ours, service_url)
    finally:
        ours.send("stop")
        mock.join(10)


if __name__ == "__main__":
    main()
