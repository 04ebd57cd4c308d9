"""SIGKILL a reminder fan-out at a random moment, run it again, and count what Teams received.

One experiment: ``kombitbot remind --day …`` runs as operators run it, in a real subprocess,
against a mock connector that answers every send after a little latency (so the fan-out takes
a second or two); it is killed after a random delay — before it has begun, while it sends, or
after it is done. Then the same command runs to the end, with the default 300-second lease, so
it can only finish at once by seeing that the killed sender is dead.

What is counted: **lost** (conversations that never got their card), **duplicated** (cards
Teams received twice), **in flight** at the kill (cards Teams had received whose ledger row was
not yet ``sent`` — the only ones a second run can send again) and whether the second run's
summary matches the ledger (sent now + already sent = all, nothing "in progress").
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from store.deliveries import Deliveries
from store.models import BotConversation
from tests.notifications.delivery_support import AT_NINE, DAY, Clock, Delivery, delivery
from tests.support.connector import Faults, MockConnector

ROOT = Path(__file__).resolve().parents[2]


def remind_environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("Microsoft", "KOMBITBOT_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=database_url, KOMBITBOT_REMINDER_RETRY_BASE_MS="10", LOG_LEVEL="WARNING"
    )
    env.update(extra)
    return env


async def remind(database_url: str, **extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kombitbot.cli",
        "remind",
        "--day",
        DAY.isoformat(),
        cwd=ROOT,
        env=remind_environment(database_url, **extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process, timeout: float = 60) -> str:
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode == 0, stderr.decode()[-3000:]
    return stdout.decode()


@dataclass(frozen=True, slots=True)
class KillResult:
    delay: float  # seconds after the start when the process was killed
    sent_before_kill: int  # ledger rows recorded as sent when it died
    in_flight: int  # cards Teams had received whose row was not yet sent
    lost: int
    duplicated: int
    sent_by_second_run: int
    already_sent_in_summary: int
    summary_true: bool
    second_run_seconds: float


def _number(pattern: str, report: str) -> int:
    found = re.search(pattern, report)
    return int(found[1]) if found else -1


async def kill_once(
    database_url: str, connector: MockConnector, conversations: int, delay: float
) -> KillResult:
    ids = [f"19:kill-{n}@thread.tacv2" for n in range(conversations)]
    async with delivery(database_url, connector, Clock(AT_NINE)) as parts:
        await parts.conversations(ids)
        connector.received.clear()
        connector.faults = Faults(latency=0.25)  # so the fan-out takes a second or two
        first = await remind(database_url)
        await asyncio.sleep(delay)
        if first.returncode is None:
            first.send_signal(signal.SIGKILL)
        await first.wait()
        rows = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
        sent_rows = {row.conversation for row in rows if row.state == "sent"}
        by_row = {row.conversation: row for row in rows}
        received_before = parts.posted_counts()
        ids_by_row = await _conversation_rows(parts, ids)
        in_flight = sum(
            1
            for cid, count in received_before.items()
            if count and ids_by_row.get(cid) in by_row and ids_by_row[cid] not in sent_rows
        )
        connector.faults = None
        started = asyncio.get_running_loop().time()
        report = await finished(await remind(database_url))
        second = asyncio.get_running_loop().time() - started
        counts = parts.posted_counts()
        rows_after = await Deliveries(parts.store.sessions, parts.clock).for_day(DAY)
    sent_now = _number(r"(\d+) kort sendt", report)
    already = _number(r"(\d+) allerede sendt", report)
    all_sent = len(rows_after) == conversations and {r.state for r in rows_after} == {"sent"}
    return KillResult(
        delay=delay,
        sent_before_kill=len(sent_rows),
        in_flight=in_flight,
        lost=sum(1 for cid in ids if counts.get(cid, 0) == 0),
        duplicated=sum(max(0, counts.get(cid, 0) - 1) for cid in ids),
        sent_by_second_run=sent_now,
        already_sent_in_summary=already,
        summary_true=(
            all_sent
            and sent_now + already == conversations
            and already == len(sent_rows)
            and "sendes lige nu" not in report
        ),
        second_run_seconds=second,
    )


async def _conversation_rows(parts: Delivery, ids: list[str]) -> dict[str, int]:
    """Teams conversation id -> bot_conversations.id."""
    async with parts.store.sessions() as session:
        found = await session.execute(
            select(BotConversation.conversation_id, BotConversation.id).where(
                BotConversation.conversation_id.in_(ids)
            )
        )
        return {cid: row_id for cid, row_id in found.all()}
