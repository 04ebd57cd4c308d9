"""The question types, as declared: every example is understood as its own type, whatever the
order of the declarations; typo repair touches ordinary words only; the help card shows them."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from dialogs.entities import EntityIndex
from dialogs.help import COMMANDS
from dialogs.questions.catalogue import QUESTIONS, DataWords, with_data_names
from dialogs.questions.ranker import DEFAULT_NAMES, Ranked, near_tie, ranked, suggestion
from dialogs.questions.understanding import Understanding, understand
from dialogs.questions.vocabulary import repair
from dialogs.text import plain
from store.db import create_engine
from store.repository import Store
from store.snapshot import DataSnapshot
from tests.support.entity_records import builtin_records

TODAY = dt.date(2025, 11, 25)
EXAMPLES = [
    (answer.name, lang, example.format(**DEFAULT_NAMES[lang]))
    for answer in QUESTIONS
    for lang in ("da", "en")
    for example in answer.examples.get(lang, ())
    if answer.name != "municipality_overview"  # "Vejle" alone: the overview, see below
]


@pytest.fixture(scope="module")
def index() -> EntityIndex:
    return EntityIndex(builtin_records())


def _top(index: EntityIndex, text: str, reverse: bool = False) -> str | None:
    u = understand(text, index, TODAY)
    types = tuple(reversed(QUESTIONS)) if reverse else QUESTIONS
    found = ranked(u, types=types)
    return found[0].answer.name if found else None


def test_every_question_type_has_examples_in_both_languages() -> None:
    for answer in QUESTIONS:
        assert answer.examples.get("da") and answer.examples.get("en"), answer.name


@pytest.mark.parametrize(("name", "lang", "example"), EXAMPLES)
def test_each_example_is_understood_as_its_own_type(
    index: EntityIndex, name: str, lang: str, example: str
) -> None:
    assert _top(index, example) == name
    assert understand(example, index, TODAY).lang == lang


@pytest.mark.parametrize(("name", "lang", "example"), EXAMPLES)
def test_the_order_of_the_declarations_decides_nothing(
    index: EntityIndex, name: str, lang: str, example: str
) -> None:
    assert _top(index, example, reverse=True) == _top(index, example)


def test_a_name_on_its_own_is_that_municipalitys_overview(index: EntityIndex) -> None:
    assert _top(index, "Vejle") == "municipality_overview"
    assert _top(index, "hvor mange indbyggere har Vejle?") is None  # not the overview


def test_a_question_that_names_one_agreement_and_asks_when_is_about_that_agreement(
    index: EntityIndex,
) -> None:
    assert _top(index, "Hvad er fristen for FLIS-databehandleraftalen?") == "agreement_deadline"
    assert _top(index, "Hvad har frist i december?") == "deadlines"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("aftlaer", "aftaler"),
        ("deadilne", "deadline"),
        ("kommnuer", "kommuner"),
        ("underksrive", "underskrive"),
        ("froezn", "frozen"),
        ("kontakpterson", "kontaktperson"),
    ],
)
def test_a_typo_in_an_ordinary_word_is_read_as_the_word(typed: str, read: str) -> None:
    assert repair(plain(typed)) == read


@pytest.mark.parametrize("word", ["agreements", "aftalerne", "programme", "viborg", "qwerty"])
def test_forms_of_words_and_other_words_are_left_alone(word: str) -> None:
    assert repair(word) is None


def test_typo_repair_never_touches_a_name(index: EntityIndex) -> None:
    """ "Vejel" is one edit from Vejle and Vejen: asked back, never repaired into a cue."""
    u = understand("aftaler vejlen", index, TODAY)
    assert u.ambiguous is not None


def test_the_help_card_shows_the_question_types_own_examples() -> None:
    shown = {example for example, _ in COMMANDS["da"]}
    helped = [a for a in QUESTIONS if "da" in a.help]
    assert len(helped) >= 10
    for answer in helped:
        assert answer.examples["da"][0].format(**DEFAULT_NAMES["da"]) in shown


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("frister for faxø i december", {"Faxe", "Fanø"}),
        ("har I besøgt lærø", {"Ærø", "Læsø"}),
        ("registrer mig for vejre", {"Vejle", "Lejre"}),
    ],
)
def test_a_typo_of_two_names_where_a_name_belongs_is_asked_back(
    index: EntityIndex, text: str, names: set[str]
) -> None:
    """Ignoring it would answer for every municipality; guessing one could be the wrong one."""
    mention = understand(text, index, TODAY).ambiguous
    assert mention is not None
    assert {c.record.display for c in mention.candidates} >= names


@pytest.mark.parametrize("text", ["er der noget i vejen med KLIK?", "hvad sker der i dag"])
def test_an_ordinary_word_where_a_name_could_be_is_no_name(index: EntityIndex, text: str) -> None:
    u = understand(text, index, TODAY)
    assert u.ambiguous is None
    assert "municipality" not in u.kinds


def test_two_topics_that_fit_equally_are_a_near_tie_one_topic_is_not() -> None:
    by_name = {a.name: a for a in QUESTIONS}
    other_topics = [
        Ranked(by_name["deadlines"], 5.0),
        Ranked(by_name["agreement_deadline"], 4.9),
    ]
    same_topic = [Ranked(by_name["frozen_next"], 5.0), Ranked(by_name["frozen_now"], 4.9)]
    assert near_tie(other_topics)
    assert not near_tie(same_topic)
    assert not near_tie([Ranked(by_name["deadlines"], 5.0), Ranked(by_name["visits"], 4.0)])


def test_a_suggestion_is_the_types_example_with_the_users_own_names(index: EntityIndex) -> None:
    u = understand("har Odense noget med FLIS-databehandleraftalen", index, TODAY)
    by_name = {a.name: a for a in QUESTIONS}
    filled = suggestion(by_name["agreements_of_municipality"], u, "da")
    assert filled == "Hvilke aftaler mangler Odense at underskrive?"
    assert suggestion(by_name["task_status"], u, "da") is None  # names no task


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> DataSnapshot:
    """The built-in data as the bot holds it, from a throwaway SQLite file."""

    async def load() -> DataSnapshot:
        path = tmp_path_factory.mktemp("snapshot") / "kombitbot.sqlite3"
        store = Store(create_engine(f"sqlite+aiosqlite:///{path}"))
        try:
            await store.migrate()
            await store.load_builtin_if_empty()
            return await store.snapshot()
        finally:
            await store.engine.dispose()

    return asyncio.run(load())


def test_a_task_named_by_its_title_is_a_task_question(
    index: EntityIndex, snapshot: DataSnapshot
) -> None:
    u = with_data_names(
        understand("hvem har ikke udpeget en reformansvarlig i opgaven", index, TODAY),
        DataWords.of(snapshot),
    )
    assert u.has("task_title")
    assert _ranked_names(u)[0] == "task_who"
    common = with_data_names(
        understand("hvor mange har gennemført opgaven", index, TODAY), DataWords.of(snapshot)
    )
    assert not common.has("task_title")  # a word three titles share names none of them


def _ranked_names(u: Understanding) -> list[str]:
    return [r.answer.name for r in ranked(u)]
