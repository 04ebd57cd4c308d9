"""Which question type fits: every declared type is scored against the understanding and the
best one answers; a near tie asks back with both, filled with the user's own names.

The score of a type (see :mod:`dialogs.questions.catalogue`): its needs, met or not (one unmet
need rules it out); its cues, each with its weight; a cost for each kind of named thing it has no
use for. Below :data:`THRESHOLD` nothing fits and the reply says what the bot can answer instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from dialogs.entities import Mention
from dialogs.questions.catalogue import (
    ACCEPTED,
    DEFAULT_NAMES,
    NEED,
    QUESTIONS,
    STRAY,
    AnswerType,
)
from dialogs.questions.understanding import Understanding
from dialogs.reply import Language

THRESHOLD: Final = 2.0
NEAR_TIE: Final = 0.25
# The kinds a need is met by.
_NEED_KINDS: Final = {
    "municipality": "municipality",
    "named_municipality": "municipality",
    "agreement": "agreement",
    "task": "task",
    "solution": "solution",
    "region": "region",
}


@dataclass(frozen=True, slots=True)
class Ranked:
    answer: AnswerType
    score: float


def _need_met(need: str, u: Understanding) -> bool:
    if need == "municipality":
        return bool(u.first("municipality")) or u.has("we")
    if need == "named_municipality":
        return bool(u.first("municipality"))
    if need == "agreement":
        # a named agreement, a kind of one, or any agreement word: the answer itself then
        # looks for the one meant, and steps aside (returns None) when there is none
        return "agreement" in u.kinds or u.has("agreement_kind", "agreement", "sign")
    if need == "task":  # named by its code, or a task word: the answer looks for its title
        return "task" in u.kinds or u.has("task", "task_title")
    if need == "period":
        return u.period is not None
    if need == "past_period":
        return u.has("past_period")
    if need == "wave":
        return u.wave is not None
    return need in u.kinds


def _weight(need: str, u: Understanding) -> float:
    """A need met by a name counts fully; "vi" for the asker's municipality counts half, so a
    thing the question names outweighs it ("rolle 4 – hvad skal vi?" is about the task)."""
    if need == "municipality" and not u.first("municipality"):
        return NEED / 2
    return NEED


def score(answer: AnswerType, u: Understanding) -> float | None:
    """The score of ``answer`` for ``u``; None when it cannot answer it at all."""
    if answer.requires and not u.has(*answer.requires):
        return None
    if answer.forbids and u.has(*answer.forbids):
        return None
    if not all(_need_met(need, u) for need in answer.needs):
        return None
    if answer.fits is not None and not answer.fits(u):
        return None
    if u.has("beyond") and answer.topic != "profil":
        return None  # "hvad koster FLIS for Vejle?": the data holds no costs; say so
    total = sum(_weight(need, u) for need in answer.needs) + answer.prior
    total += sum(weight for cue, weight in answer.cues.items() if cue in u.cues)
    used = {_NEED_KINDS.get(need) for need in answer.needs}
    for kind in u.kinds:
        if kind in used:
            continue
        if kind in answer.accepts or (kind == "region" and "municipality" in used):
            total += ACCEPTED
        else:
            total -= STRAY
    return total


def ranked(u: Understanding, types: Sequence[AnswerType] = QUESTIONS) -> list[Ranked]:
    """Every type that can answer ``u``, best first. Equal scores are ordered by name, so the
    order the types are declared in never decides."""
    scored = [
        Ranked(answer, s)
        for answer in types
        if (s := score(answer, u)) is not None and s >= THRESHOLD
    ]
    return sorted(scored, key=lambda r: (-r.score, r.answer.name))


def near_tie(candidates: Sequence[Ranked]) -> bool:
    """The two best are too close to choose between, and would answer differently."""
    return (
        len(candidates) >= 2
        and candidates[0].score - candidates[1].score < NEAR_TIE
        and candidates[0].answer.topic != candidates[1].answer.topic
    )


_SLOT: Final = re.compile(r"\{(\w+)\}")


def suggestion(answer: AnswerType, u: Understanding, lang: Language) -> str | None:
    """The answer's example phrasing filled with the question's own names ("Hvem mangler at
    underskrive FLIS-databehandleraftalen?"); None when the question lacks a name it needs."""
    for example in answer.examples.get(lang, ()):
        filled = _fill(example, u.mentions)
        if filled is not None:
            return filled
    return None


def _fill(example: str, mentions: Sequence[Mention]) -> str | None:
    values: dict[str, str] = {}
    for slot in _SLOT.findall(example):
        mention = next((m for m in mentions if m.kind == slot and m.resolved), None)
        if mention is None:
            return None
        values[slot] = mention.text
    return example.format(**values)


def examples(lang: Language) -> Iterator[str]:
    """Every type's example phrasings, with real names in the slots (for help and "Mente du")."""
    for answer in QUESTIONS:
        for example in answer.examples.get(lang, ()):
            yield example.format(**DEFAULT_NAMES[lang]) if "{" in example else example


def question_help(lang: Language) -> list[tuple[str, str]]:
    """(example, what it answers) for the help card, from the types that give a help text."""
    return [
        (answer.examples[lang][0].format(**DEFAULT_NAMES[lang]), answer.help[lang])
        for answer in QUESTIONS
        if lang in answer.help and answer.examples.get(lang)
    ]
