"""Every table of the built-in data answers a question of its own: regions, solutions by their
names, and the polls the meeting decks show — not some other table's answer."""

from __future__ import annotations

import pytest

from tests.conftest import BotClient

CASES = [
    ("Hvilken region ligger Vejle i?", ["Vejle – Region Syddanmark", "22 kommuner"]),
    ("hvilken landsdel hører Hjørring til", ["Hjørring – Region Nordjylland"]),
    ("which region is Aarhus in?", ["Aarhus – Region Midtjylland", "is in Region Midtjylland"]),
    ("Hvilke kommuner ligger i Region Nordjylland?", ["Region Nordjylland", "Aalborg", "Thisted"]),
    ("Hvad står KY for?", ["KY står for Kommunernes Ydelsessystem", "aftaler"]),
    ("what does KY stand for", ["KY stands for Kommunernes Ydelsessystem"]),
    (
        "Hvilke afstemninger var der på mødet i september 2020?",
        ["Afstemninger – Programledermøde september 2020", "rollegalleriet", "Ja; Nej; Måske"],
    ),
    ("which polls were there at the meeting in september 2020", ["Polls – ", "rollegalleriet"]),
]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_a_base_table_answers_its_own_question(
    bot: BotClient, question: str, expected: list[str]
) -> None:
    reply = await bot.ask(question)
    for text in expected:
        assert text in reply, f"{text!r} missing:\n{reply}"


async def test_a_solution_on_its_own_is_still_its_task_list(bot: BotClient) -> None:
    assert "KLIK-opgaver – SAPA" in await bot.ask("SAPA")
