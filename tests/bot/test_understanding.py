"""Questions nobody tuned the bot for are understood: the paraphrase matrix and the hand-written
Teams-style questions, through /api/messages on both databases.

The goal is 97 % per topic (:data:`GOAL`). Not every topic is there yet, so each topic's score
may not fall below :data:`FLOORS` (today's measured level, rounded down): a change that makes
understanding worse fails, one that makes it better raises the floor. An answer about the wrong
municipality, agreement or task fails at once, whatever the score. A failing topic lists every
miss, so the failure says where.
"""

from __future__ import annotations

import pytest

from tests.bot.questions import Q
from tests.bot.questions.handwritten import HANDWRITTEN
from tests.bot.questions.held_out import HELD_OUT
from tests.bot.questions.held_out_2 import HELD_OUT_2
from tests.bot.questions.judge import verdict
from tests.bot.questions.paraphrases import TOPICS, generated
from tests.conftest import BotClient

GOAL = 0.97
MATRIX = generated()
# Today's level where it is below the goal (measured on both databases alike).
FLOORS: dict[tuple[str, str], float] = {
    ("hand", "frister"): 0.91,
    ("hand", "frozen"): 0.94,
    ("hand", "kontakter"): 0.93,
    ("hand", "profil"): 0.94,
    ("held", "aftaler"): 0.96,
    ("held", "opgaver"): 0.93,
    ("held", "profil"): 0.94,
    ("held2", "opgaver"): 0.88,
    ("held2", "frister"): 0.91,
    ("held2", "frozen"): 0.94,
    ("held2", "møder"): 0.94,
    ("held2", "kontakter"): 0.77,
    ("held2", "udrulning"): 0.80,
    ("held2", "profil"): 0.80,
}


def _floor(kind: str, topic: str) -> float:
    return min(GOAL, FLOORS.get((kind, topic), GOAL))


async def _score(bot: BotClient, cases: list[Q]) -> tuple[float, list[str], list[str]]:
    misses: list[str] = []
    wrong: list[str] = []
    registered: str | None = None
    for case in cases:
        if case.register and case.register != registered:
            await bot.ask(f"jeg er programleder i {case.register}")
            registered = case.register
        reply = await bot.ask(case.text)
        problem = verdict(case, reply)
        if problem is not None:
            line = f"{case.text!r} [{case.expect}]: {problem}"
            (wrong if problem.startswith("about ") else misses).append(line)
    score = 1 - (len(misses) + len(wrong)) / len(cases)
    return score, misses, wrong


SETS: dict[str, dict[str, list[Q]]] = {
    "matrix": MATRIX,
    "hand": HANDWRITTEN,
    "held": HELD_OUT,
    "held2": HELD_OUT_2,
}


@pytest.mark.parametrize(
    ("kind", "topic"), [(kind, topic) for kind, topics in SETS.items() for topic in topics]
)
async def test_questions_nobody_tuned_for_are_understood(
    bot: BotClient, kind: str, topic: str
) -> None:
    """``matrix``: the generated paraphrases; ``hand``: the hand-written Teams questions;
    ``held``, ``held2``: hand-written questions kept apart from the tuning, measured as they
    came before anything was changed for them."""
    cases = SETS[kind][topic]
    score, misses, wrong = await _score(bot, cases)
    report = "\n".join([*wrong, *misses])
    print(f"understood: {kind} {topic} {score:.1%} of {len(cases)}")  # shown with -s
    assert not wrong, f"answers about the wrong entity:\n{report}"
    assert score >= _floor(kind, topic), f"{kind} {topic}: {score:.1%} of {len(cases)}\n{report}"


def test_the_matrix_is_as_broad_as_promised() -> None:
    """At least 600 generated cases from at least 40 phrasings per topic, and at least 30
    hand-written questions per topic."""
    assert sum(len(cases) for cases in MATRIX.values()) >= 600
    assert all(len(phrasings) >= 40 for phrasings in TOPICS.values())
    assert all(len(cases) >= 30 for cases in HANDWRITTEN.values())
    assert all(len(cases) >= 30 for cases in [*HELD_OUT.values(), *HELD_OUT_2.values()])
    assert set(HANDWRITTEN) == set(TOPICS) == set(HELD_OUT) == set(HELD_OUT_2)
