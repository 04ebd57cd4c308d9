"""From the words after "abonnér på" / "afmeld" to subscription topics, never by guessing.

Names are found by the Q&A's entity index (:meth:`dialogs.router.Dialogs.resolve`); this
module decides what the found names mean for a subscription: a name that could be two things
is asked back, and a word that names nothing refuses the whole command (nothing is stored on a
half-understood request). Pure: it gets the mentions already found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from dialogs.entities import EntityKind, Mention, fold
from dialogs.reply import Language
from store.snapshot import DataSnapshot
from store.subscriptions import ALL, SubscriptionKind, Topic

__all__ = [
    "KINDS",
    "Ambiguous",
    "Topics",
    "Unknown",
    "blank_outside",
    "everything",
    "read_topics",
    "searchable",
    "topic_name",
]

KINDS: Final[tuple[EntityKind, ...]] = ("municipality", "region", "solution")
FROZEN: Final = re.compile(r"\b(?:frozen[\s-]*zones?|frosne?[\s-]+zoner?|frozen)\b", re.IGNORECASE)
_EVERYTHING: Final = re.compile(
    r"^\s*(?:alt|alle|alting|alle påmindelser|everything|all|all reminders)\s*$", re.IGNORECASE
)
_WORD: Final = re.compile(r"[^\W_]+")
# Words that may stand around names without naming anything themselves.
_FILLER_WORDS: Final = """og samt eller and or kommune kommunen kommunes region regionen
projekt projektet løsning løsningen løsningerne opgaver aftaler påmindelser om for til på i fra
the of about to municipality project solution reminders"""
_FILLER: Final = frozenset(fold(word) for word in _FILLER_WORDS.split())


@dataclass(frozen=True, slots=True)
class Topics:
    topics: tuple[Topic, ...]


@dataclass(frozen=True, slots=True)
class Ambiguous:
    mention: Mention


@dataclass(frozen=True, slots=True)
class Unknown:
    words: str  # what was not understood, as typed


def blank_outside(text: str, span: tuple[int, int]) -> str:
    """``text`` with everything outside ``span`` blanked (same length, so spans still fit)."""
    start, end = span
    return " " * start + text[start:end] + " " * (len(text) - end)


def searchable(text: str, span: tuple[int, int]) -> tuple[str, bool]:
    """The topic part of a command, with "frozen zones" blanked; and whether it was there."""
    blanked = blank_outside(text, span)
    found = False

    def blank(match: re.Match[str]) -> str:
        nonlocal found
        found = True
        return " " * len(match.group(0))

    return FROZEN.sub(blank, blanked), found


def everything(text: str) -> bool:
    return bool(_EVERYTHING.match(text))


_KIND_OF: Final[dict[str, SubscriptionKind]] = {
    "municipality": "municipality",
    "region": "region",
    "solution": "solution",
}


def read_topics(
    text: str, mentions: Sequence[Mention], *, frozen: bool
) -> Topics | Ambiguous | Unknown:
    """What a (blanked, see :func:`searchable`) topic text asks for."""
    ambiguous = next((m for m in mentions if m.ambiguous), None)
    if ambiguous is not None:
        return Ambiguous(ambiguous)
    rest = text
    topics: list[Topic] = []
    for mention in mentions:
        record = mention.resolved
        if record is None or record.kind not in _KIND_OF:
            continue
        rest = (
            rest[: mention.span[0]]
            + " " * (mention.span[1] - mention.span[0])
            + rest[mention.span[1] :]
        )
        topics.append(Topic(_KIND_OF[record.kind], record.key))
    leftover = [word for word in _WORD.findall(rest) if fold(word) not in _FILLER]
    if leftover:
        return Unknown(" ".join(leftover))
    if frozen:
        topics.append(Topic("frozen_zones"))
    if not topics:
        return Unknown(text.strip())
    return Topics(tuple(dict.fromkeys(topics)))


def topic_name(topic: Topic, snapshot: DataSnapshot, lang: Language) -> str:
    """ "Vejle (kommune)", "Region Nordjylland", "SAPA (løsning)", "frozen zones", "alt"."""
    da = lang == "da"
    if topic == ALL:
        return "alle påmindelser" if da else "all reminders"
    if topic.kind == "frozen_zones":
        return "frozen zones"
    if topic.kind == "region":
        official = next(
            (
                m.region_official
                for m in snapshot.municipalities.values()
                if m.region == topic.value and m.region_official
            ),
            f"Region {topic.value}",
        )
        return official
    if topic.kind == "solution":
        solution = snapshot.solutions.get(topic.value)
        code = solution.code if solution is not None and solution.code else topic.value
        return f"{code} ({'løsning' if da else 'solution'})"
    return f"{topic.value} ({'kommune' if da else 'municipality'})"
