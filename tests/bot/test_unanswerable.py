"""A question that names a municipality and asks what the data cannot tell says so and offers
what it can about that municipality — never that municipality's agreement list as an answer."""

from __future__ import annotations

import pytest

from tests.conftest import BotClient

UNANSWERABLE = [
    ("Hvor mange indbyggere har Vejle?", "Vejle", "da"),
    ("Hvem er borgmester i Aarhus?", "Aarhus", "da"),
    ("hvad koster en p-plads i Odense", "Odense", "da"),
    ("what is the population of Odense?", "Odense", "en"),
    ("who is the mayor of Vejen?", "Vejen", "en"),
]
BARE = [
    "Vejle?",
    "hvad med Vejle",
    "Vejle kommune",
    "hvordan går det med Vejle",
    "what about Vejle?",
]


@pytest.mark.parametrize(
    ("question", "municipality", "lang"), UNANSWERABLE, ids=[u[0] for u in UNANSWERABLE]
)
async def test_a_question_the_data_cannot_answer_says_so_and_offers_what_it_can(
    bot: BotClient, question: str, municipality: str, lang: str
) -> None:
    answer = await bot.ask(question)
    if lang == "da":
        assert "Det kan jeg ikke svare på" in answer
        assert f"Hvilke aftaler mangler {municipality} at underskrive?" in answer
    else:
        assert "I cannot answer that" in answer
        assert f"Which agreements does {municipality} still need to sign?" in answer
    assert (
        f"Aftaler – {municipality}" not in answer and f"Agreements – {municipality}" not in answer
    )


@pytest.mark.parametrize("question", BARE)
async def test_a_municipality_on_its_own_still_gets_its_overview(
    bot: BotClient, question: str
) -> None:
    answer = await bot.ask(question)
    assert "Aftaler – Vejle" in answer or "Agreements – Vejle" in answer


SHORT = [
    ("aftaler vejen", "Aftaler – Vejen"),
    ("vejen", "Aftaler – Vejen"),
    ("opgaver vejen", "KLIK-opgaver – Vejen"),
    ("hvilke aftaler mangler vejen", "Aftaler – Vejen"),
    ("aftaler vejle", "Aftaler – Vejle"),
]


@pytest.mark.parametrize(("question", "expected"), SHORT)
async def test_a_few_words_with_a_municipality_in_lower_case_mean_that_municipality(
    bot: BotClient, question: str, expected: str
) -> None:
    assert expected in await bot.ask(question)


async def test_a_typo_one_edit_from_two_municipalities_is_asked_back(bot: BotClient) -> None:
    for question in (
        "aftaler vejel",
        "jeg er programleder i vejel",
        "Hvilke aftaler mangler Vejlen?",
    ):
        answer = await bot.ask(question)
        assert "Mente du Vejen eller Vejle?" in answer, question


async def test_a_task_announced_at_two_meetings_is_one_task_with_both_sources(
    bot: BotClient,
) -> None:
    answer = await bot.ask("status på A11")
    assert answer.startswith("SAPA A11 – Afdæk as-is og to-be")
    assert "Mente du" not in answer
    assert "27.08.2024" in answer and "21.11.2025" in answer  # both decks cited
