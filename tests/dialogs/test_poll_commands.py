"""Poll commands as a KOMBIT admin types them in the meeting chat."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogs.polls.commands import (
    OpenForm,
    PollAction,
    PollProblem,
    StartPoll,
    parse_poll_command,
    split_question,
)
from tests.conftest import FIXED_NOW


def start(text: str) -> StartPoll:
    command = parse_poll_command(text, FIXED_NOW)
    assert isinstance(command, StartPoll), command
    return command


def test_the_one_line_poll_from_the_rollegalleri_slide() -> None:
    command = start(
        "afstemning: Er du enig i, at integrationen af rollegalleriet i KLIK vil skabe værdi "
        "for kommunen? Ja; Nej; Måske"
    )
    spec = command.spec
    assert spec.title.endswith("vil skabe værdi for kommunen?")
    assert [o.label for o in spec.questions[0].options] == ["Ja", "Nej", "Måske"]
    assert (spec.kind, spec.multiple, spec.anonymous, spec.results_hidden) == (
        "choice",
        False,
        True,
        False,
    )
    assert spec.closes_at is None and command.lang == "da"


def test_english_and_modifiers() -> None:
    command = start("poll named multiple hidden close after 10 minutes: Which day? Tue; Wed; Thu")
    spec = command.spec
    assert command.lang == "en" and spec.lang == "en"
    assert (spec.anonymous, spec.multiple, spec.results_hidden) == (False, True, True)
    assert spec.closes_at == FIXED_NOW + dt.timedelta(minutes=10)


def test_closing_in_hours_and_limits() -> None:
    assert start(
        "afstemning luk efter 2 timer: X? A; B"
    ).spec.closes_at == FIXED_NOW + dt.timedelta(hours=2)
    problem = parse_poll_command("afstemning luk efter 0 minutter: X? A; B", FIXED_NOW)
    assert isinstance(problem, PollProblem) and "1 minut til 7 dage" in problem.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("afstemning: Hvad mener I?", "mindst to svarmuligheder"),
        ("afstemning: Hvad mener I? Ja", "mindst to svarmuligheder"),
        ("afstemning: Hvad? Ja; ja", "To svarmuligheder er ens"),
        ("afstemning: ? A; B", "mangler et spørgsmål"),
        ("afstemning: Q? " + "; ".join(str(n) for n in range(11)), "Højst 10"),
        ("afstemning: " + "x" * 301 + "? A; B", "for langt"),
    ],
)
def test_a_poll_that_cannot_be_started_says_why(text: str, expected: str) -> None:
    problem = parse_poll_command(text, FIXED_NOW)
    assert isinstance(problem, PollProblem)
    assert expected in problem.text


def test_templates() -> None:
    yes_no = start("afstemning ja/nej/måske: Skal vi mødes i marts?")
    assert [o.label for o in yes_no.spec.questions[0].options] == ["Ja", "Nej", "Måske"]
    evaluation = start("evaluering").spec
    assert evaluation.kind == "evaluation" and len(evaluation.questions) == 4
    assert evaluation.title == "Hvor enig/uenig er du i følgende udsagn?"
    scale = evaluation.questions[0].options
    assert [(o.label, o.score) for o in scale][::5] == [("Helt uenig", 1), ("Ved ikke", None)]
    without = start('evaluering uden "ved ikke"').spec
    assert [o.label for o in without.questions[0].options][-1] == "Helt enig"
    custom = start("evaluering: Maden var god; Lokalet var godt").spec
    assert [q.text for q in custom.questions] == ["Maden var god", "Lokalet var godt"]
    rating = start("bedømmelse").spec
    assert rating.kind == "rating" and rating.title == "Hvordan vil du bedømme dagens møde?"
    assert [o.score for o in rating.questions[0].options] == [1, 2, 3, 4, 5]
    assert start("bedømmelse: Hvordan var oplægget om KY?").spec.title == (
        "Hvordan var oplægget om KY?"
    )


def test_the_form_and_the_poll_actions() -> None:
    assert parse_poll_command("afstemning", FIXED_NOW) == OpenForm("da")
    assert parse_poll_command("poll", FIXED_NOW) == OpenForm("en")
    assert parse_poll_command("afstemning ja/nej/måske", FIXED_NOW) == OpenForm(
        "da", ("Ja", "Nej", "Måske")
    )
    assert parse_poll_command("luk afstemning", FIXED_NOW) == PollAction("close", "da")
    assert parse_poll_command("Resultater", FIXED_NOW) == PollAction("results", "da")
    assert parse_poll_command("resultater fra mødet", FIXED_NOW) == PollAction(
        "meeting_results", "da"
    )
    assert parse_poll_command("evaluering: udvikling", FIXED_NOW) == PollAction("trend", "da")
    assert parse_poll_command("eksportér afstemning som csv", FIXED_NOW) == PollAction(
        "export", "da", "csv"
    )
    assert parse_poll_command("export poll", FIXED_NOW) == PollAction("export", "en", "")


@pytest.mark.parametrize(
    "question",
    [
        "Hvilke aftaler mangler Vejle at underskrive?",
        "afstemninger i går?",
        "evaluering af mødet i går?",
        "hvornår er næste frozen zone?",
        "resultater for Vejle på KY",
    ],
)
def test_questions_are_not_poll_commands(question: str) -> None:
    assert parse_poll_command(question, FIXED_NOW) is None


def test_question_and_options_are_split_at_the_last_question_mark() -> None:
    assert split_question("Er det godt? Eller skidt? Ja; Nej") == (
        "Er det godt? Eller skidt?",
        ["Ja", "Nej"],
    )
    assert split_question("Hvad vælger I; Rød; Grøn") == ("Hvad vælger I", ["Rød", "Grøn"])
