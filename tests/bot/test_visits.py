"""KOMBIT's visits to municipal management (a table of the built-in data) can be asked about."""

from __future__ import annotations

from tests.conftest import BotClient


async def test_a_visit_held_is_answered_with_its_date(bot: BotClient) -> None:
    answer = await bot.ask("har KOMBIT besøgt Brøndby?")
    assert "KOMBIT besøgte Brøndby 19. april 2023." in answer
    assert "AFHOLDT OG PLANLAGTE KOMMUNEBESØG" in answer  # the source slide


async def test_a_municipality_not_yet_visited_is_told_so_with_its_status(bot: BotClient) -> None:
    answer = await bot.ask("hvornår besøgte KOMBIT Vejle?")
    assert "Intet afholdt besøg hos Vejle i mine data – status: har vist interesse" in answer


async def test_the_overview_lists_visits_held_first_and_within_the_card_budget(
    bot: BotClient,
) -> None:
    answer = await bot.ask("hvilke kommuner har KOMBIT besøgt?")
    assert "67 kommunebesøg i mine data" in answer
    assert answer.index("Besøgt (42)") < answer.index("Har vist interesse (22)")
    assert "Brøndby (19. april 2023)" in answer and "… og 32 til" in answer
    english = await bot.ask("which municipalities did KOMBIT visit?")
    assert "67 municipal visits in my data" in english
