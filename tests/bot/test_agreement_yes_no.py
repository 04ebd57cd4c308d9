"""A question about one municipality and one agreement gets its answer first — yes, no or
unknown — with the status's own date and source; never a guess at which agreement is meant."""

from __future__ import annotations

import pytest

from tests.conftest import BotClient

CASES = [
    (
        "har vejle underskrevet tilslutningsaftalen om datastandarder?",
        ["Nej – Vejle mangler at underskrive; frist 15. december 2025.", "Status opgjort 20.11.25"],
    ),
    (
        "Har Vejle skrevet under på K-aftalen for datastandard service?",
        ["Nej – Vejle mangler at underskrive"],
    ),
    (
        "has Aarhus signed the data standards agreement?",
        ["No – Aarhus has not signed yet; deadline 15 December 2025.", "Status as of 20.11.25"],
    ),
    (
        "has vejle signed the accession agreement for data standards?",
        ["No – Vejle has not signed yet"],
    ),
    (
        "Har Odense skrevet under på FLIS-databehandleraftalen?",
        ["Ukendt – der findes ingen liste pr. kommune for denne aftale; frist 5. december 2025."],
    ),
    (
        "status for Vejen på tilslutningsaftalen om datastandarder",
        ["Vejen – K-aftalen for datastandard service", "Vejen mangler at underskrive"],
    ),
]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_one_municipality_and_one_agreement_answer_yes_no_or_unknown_first(
    bot: BotClient, question: str, expected: list[str]
) -> None:
    answer = await bot.ask(question)
    for text in expected:
        assert text in answer
    assert "Aftaler – " not in answer and "Agreements – " not in answer  # not the whole list


async def test_a_municipality_signed_according_to_a_list_is_a_yes(bot: BotClient) -> None:
    """Halsnæs is not among the 83 that had not signed: a derived yes, said so."""
    answer = await bot.ask("har Halsnæs underskrevet tilslutningsaftalen om datastandarder?")
    assert "Ja – Halsnæs har underskrevet (udledt" in answer


async def test_when_several_agreements_fit_it_asks_which_and_the_button_keeps_the_municipality(
    bot: BotClient,
) -> None:
    answer = await bot.ask("Er FLIS-aftalen underskrevet af Vejen?")
    assert "Hvilken aftale mener du?" in answer
    assert "har Vejen underskrevet A002-09?" in answer  # the button's question
    clicked = await bot.ask("har Vejen underskrevet A002-09?")
    assert "Vejen – FLIS: Databehandleraftale" in clicked and "Ukendt" in clicked


async def test_without_a_named_agreement_the_question_gets_the_list_not_a_guess(
    bot: BotClient,
) -> None:
    answer = await bot.ask("har Vejle underskrevet?")
    assert "Aftaler – Vejle" in answer
    assert "Nej –" not in answer


WHEN_ONE = [
    (
        "Hvad er fristen for FLIS-databehandleraftalen?",
        "FLIS: Databehandleraftale",
        "Frist 5. december 2025",
    ),
    (
        "when is the deadline for the FLIS data processing agreement?",
        "FLIS: Databehandleraftale",
        "Deadline 5 December 2025",
    ),
    (
        "hvornår er fristen for tilslutningsaftalen om datastandarder",
        "K-aftalen for datastandard service",
        "Frist 15. december 2025",
    ),
]


@pytest.mark.parametrize(
    ("question", "agreement", "deadline"), WHEN_ONE, ids=[w[0] for w in WHEN_ONE]
)
async def test_a_deadline_question_naming_one_agreement_is_answered_about_that_agreement(
    bot: BotClient, question: str, agreement: str, deadline: str
) -> None:
    answer = await bot.ask(question)
    assert answer.startswith(agreement) and deadline in answer
    assert "Frister de næste" not in answer and "Deadlines in" not in answer


async def test_how_many_puts_the_number_first(bot: BotClient) -> None:
    missing = await bot.ask(
        "Hvor mange kommuner mangler at underskrive tilslutningsaftalen om datastandarder?"
    )
    assert "83 kommuner mangler at underskrive. Frist 15. december 2025" in missing
    signed = await bot.ask("how many have signed the data standards agreement?")
    assert "15 municipalities have signed. Deadline 15 December 2025" in signed
    # Without a question mark it is still a question, not a report of our own signature.
    asked = await bot.ask("hvor mange har underskrevet tilslutningsaftalen om datastandarder")
    assert "15 kommuner har underskrevet." in asked and "Bekræft" not in asked


async def test_a_region_narrows_who_is_missing(bot: BotClient) -> None:
    answer = await bot.ask(
        "Hvem mangler at underskrive tilslutningsaftalen om datastandarder i Region Midtjylland?"
    )
    assert "Region Midtjylland" in answer and "Mangler underskrift (16)" in answer
    assert "Aarhus" in answer and "Aalborg" not in answer  # Aalborg is in Nordjylland
    north = await bot.ask(
        "hvor mange kommuner i Nordjylland mangler at underskrive tilslutningsaftalen?"
    )
    assert "8 kommuner i Region Nordjylland mangler at underskrive." in north


async def test_show_all_in_an_english_conversation_asks_in_english(bot: BotClient) -> None:
    answer = await bot.ask("who has not signed the data standards agreement?")
    assert "who has not signed A002-01 show all" in answer  # the button's question
    everything = await bot.ask("who has not signed A002-01 show all")
    assert "Signature missing (83)" in everything and "Mangler underskrift" not in everything
