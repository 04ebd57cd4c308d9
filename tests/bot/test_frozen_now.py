"""'Er vi i frozen zone nu?' says yes, with the end date, when a window with known days
contains today; a window known only by its month is a 'muligvis'."""

from __future__ import annotations

import csv
import io

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from store.db import create_engine
from store.importing import ImportFile, import_files
from store.repository import BUILTIN_DATA_DIR, Store
from tests.conftest import FIXED_NOW, BotClient, settings_for, wait_ready
from tests.support.connector import MockConnector


async def add_zone(database_url: str, window_id: str, start: str, end: str) -> None:
    """One more frozen zone, imported like an admin's file (the built-in header)."""
    header = next(csv.reader((BUILTIN_DATA_DIR / "frozen_zones.csv").open(encoding="utf-8")))
    row = dict.fromkeys(header, "")
    row.update(
        window_id=window_id,
        system="Serviceplatformen",
        environment="PRODUKTION",
        kind="frozen zone",
        start_raw=start,
        end_raw=end,
        meeting_id="PLM-2025-udateret",
        source="test | frozen zone",
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    store = Store(create_engine(database_url))
    try:
        await import_files(
            store.sessions, [ImportFile("frozen_zones.csv", out.getvalue().encode())]
        )
    finally:
        await store.close()


async def ask(database_url: str, connector: MockConnector, question: str) -> str:
    app = create_app(settings_for(database_url), clock=lambda: FIXED_NOW)  # 25.11.2025
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        return await BotClient(client, connector).ask(question)


async def test_a_window_with_known_days_around_today_is_a_yes_with_its_end(
    database_url: str, connector: MockConnector
) -> None:
    await add_zone(database_url, "FZ-90", "24.11.2025", "28.11.2025")
    answer = await ask(database_url, connector, "Er vi i frozen zone nu?")
    assert "Ja – Serviceplatformen er i frozen zone nu, til og med 28. november 2025" in answer
    assert "Muligvis" not in answer
    english = await ask(database_url, connector, "are we in a frozen zone right now?")
    assert "Yes – Serviceplatformen is in a frozen zone now, until 28 November 2025" in english


async def test_a_window_known_only_by_its_month_is_a_maybe(
    database_url: str, connector: MockConnector
) -> None:
    await add_zone(database_url, "FZ-91", "november 2025", "november 2025")
    answer = await ask(database_url, connector, "er vi i frozen zone nu?")
    assert "Muligvis" in answer and "Ja –" not in answer


BLOCKED = [
    ("Hvad er lukket under frozen zone?", "Det kan kommunen IKKE i en frozen zone"),
    ("må vi trække rapporter i frozen zone?", "Det kan kommunen IKKE i en frozen zone"),
    ("kan vi bestille support under frozen zone?", "Det kan kommunen IKKE i en frozen zone"),
    ("hvad må man ikke i cut-over", "Det kan kommunen IKKE i en frozen zone"),
    ("what is closed during the frozen zone?", "What a municipality can NOT do in a frozen zone"),
    ("can we pull reports during frozen zone?", "What a municipality can NOT do in a frozen zone"),
]


@pytest.mark.parametrize(("question", "title"), BLOCKED, ids=[b[0] for b in BLOCKED])
async def test_what_is_closed_in_a_frozen_zone_is_answered_with_what_is_blocked(
    bot: BotClient, question: str, title: str
) -> None:
    answer = await bot.ask(question)
    assert title in answer
    assert "Næste frozen zone" not in answer and "Next frozen zone" not in answer
