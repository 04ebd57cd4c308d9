"""``kombitbot remind`` as operations run it (the full run, SIGKILLed and repeated, is in
test_reminder_crash.py): the dry run shows the day and writes nothing; a bad day is refused."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from kombitbot.cli import main
from store.db import create_engine
from store.models import ReminderDelivery
from store.repository import Store


async def _ledger_rows(url: str) -> int:
    store = Store(create_engine(url))
    try:
        async with store.sessions() as session:
            return int(
                await session.scalar(select(func.count()).select_from(ReminderDelivery)) or 0
            )
    finally:
        await store.close()


def test_the_dry_run_shows_the_day_and_writes_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["remind", "--day", "2025-12-12", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Påmindelser fredag 12. december 2025: 4 påmindelser, 0 kort sendes" in out
    assert "K-aftalen for datastandard service" in out
    assert asyncio.run(_ledger_rows(database_url)) == 0


def test_a_day_that_is_not_a_date_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["remind", "--day", "12-12-2025"])
    assert exit_.value.code == 2
    assert "is not a date like 2025-12-12" in capsys.readouterr().err
