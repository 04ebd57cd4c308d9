"""One understanding step: a question becomes one typed :class:`Understanding`.

In order, once per message: the time period it names (:func:`dialogs.timeexpr.find_period`),
every thing it names with its span (:class:`dialogs.entities.EntityIndex`), and — on the words
that remain, in the loose form of dialogs.text.plain and with typos in ordinary words repaired — the cues of
:mod:`dialogs.questions.vocabulary` and the language. Nothing here decides which answer fits;
that is the ranker's job, so no order of rules can decide a question before its names are seen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import OSA

from dialogs.answers.agreements import names_a_kind
from dialogs.entities import EntityIndex, EntityKind, Mention
from dialogs.language import detect_language
from dialogs.questions.vocabulary import cues_in, has_cue, is_cue_word, repair, shapes_in
from dialogs.reply import Language
from dialogs.text import plain
from dialogs.timeexpr import Period, PeriodKind, find_period

MAX_TEXT: Final = 500  # longer messages are answered from their first part
_WORDS: Final = re.compile(r"[^\W\d_]+(?:['’][a-z]+)?")
# A question that starts with its verb asks yes or no ("Har Odense …?", "has Aarhus …?").
_YES_NO: Final = re.compile(
    r"^\s*(?:har|has|have|is|er|mangler|did|does|do|skal|kan|can|ma|may|kommer|var|was|were)\b"
)
# A rollout wave: "bølge B3", "wave 3" (a bare number is a B-wave), "fjerde bølge", or a wave
# code on its own ("var Thisted med i B5?": B1–B9 and the pilots P1–P9).
_WAVE_CODE: Final = re.compile(r"\b(?:bolge|wave|udrulningsbolge)\s+([a-z]?\d{1,2})\b")
_WAVE_ALONE: Final = re.compile(r"(?<![\w-])([bp]\d)(?![\w-])")
_ORDINALS: Final = {
    "forste": 1,
    "anden": 2,
    "andet": 2,
    "tredje": 3,
    "fjerde": 4,
    "femte": 5,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
}
_WAVE_ORDINAL: Final = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+(?:bolge|wave)\b")
# "den sidste bølge", "the last wave": the newest, which the answer looks up
LAST_WAVE: Final = "LAST"
_WAVE_LAST: Final = re.compile(r"\b(?:sidste|seneste|last|latest)\s+(?:\w+\s+)?(?:bolge\w*|wave)\b")


def _wave(folded: str) -> str | None:
    """The wave code a question in the loose form names, upper-cased ("B3"), or None."""
    if found := _WAVE_CODE.search(folded):
        code = found.group(1).upper()
        return f"B{code}" if code.isdigit() else code
    if found := _WAVE_ORDINAL.search(folded):
        return f"B{_ORDINALS[found.group(1)]}"
    if _WAVE_LAST.search(folded):
        return LAST_WAVE
    if found := _WAVE_ALONE.search(folded):
        return found.group(1).upper()
    return None


@dataclass(frozen=True, slots=True)
class Understanding:
    """What one question says: the things it names, the period, its cues and language."""

    text: str  # as written (at most MAX_TEXT characters)
    words: str  # the rest after names and period, in the loose form of dialogs.text.plain and typo-repaired
    lang: Language
    period: Period | None
    mentions: tuple[Mention, ...]
    cues: frozenset[str]
    yes_no: bool  # starts with its verb: asks about one thing
    wave: str | None  # a wave code ("B3") after "bølge"/"wave"
    extra_words: tuple[str, ...]  # the words left once names and period are out (loose form)

    def has(self, *cues: str) -> bool:
        return any(cue in self.cues for cue in cues)

    def keys(self, kind: EntityKind) -> list[str]:
        """The keys of the resolved mentions of ``kind``, in the order written."""
        return [m.resolved.key for m in self.mentions if m.kind == kind and m.resolved]

    def first(self, kind: EntityKind) -> str | None:
        keys = self.keys(kind)
        return keys[0] if keys else None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(m.kind for m in self.mentions)

    @property
    def ambiguous(self) -> Mention | None:
        return next((m for m in self.mentions if m.ambiguous), None)

    def span_of(self, kind: EntityKind) -> tuple[int, int] | None:
        return next((m.span for m in self.mentions if m.kind == kind and m.resolved), None)

    def without(self, span: tuple[int, int] | None) -> str:
        """The text with ``span`` blanked, for answers that read the words themselves."""
        return blank(self.text, span) if span else self.text


def blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def understand(text: str, index: EntityIndex, today: dt.date) -> Understanding:
    """Read ``text`` once: period, names, then cues on what is left."""
    text = text[:MAX_TEXT]
    period = find_period(_months_repaired(text), today)
    searchable = blank(text, period.span) if period else text
    mentions = _short_question_names(index, searchable, index.find(searchable))
    mentions = _names_in_place(index, searchable, mentions)
    rest, named_out = searchable, text
    for mention in mentions:
        rest, named_out = blank(rest, mention.span), blank(named_out, mention.span)
    folded = plain(rest)
    repaired, extra, fixes = _repaired(folded)
    wave = _wave(plain(rest))
    whole = plain(text)
    yes_no = bool(_YES_NO.match(whole))
    flags = {
        "wave": wave is not None,
        "period": period is not None,
        # a period that has begun and is not "before …" ("mødet i marts 2020", not "før jul")
        "past_period": period is not None
        and period.start < today
        and period.kind is not PeriodKind.BY_DATE,
        "now": period is not None and period.kind in (PeriodKind.TODAY, PeriodKind.THIS_WEEK),
        "yes_no": yes_no,
        "agreement_kind": names_a_kind(text),
    }
    cues = cues_in(repaired) | shapes_in(repaired, whole) | {k for k, on in flags.items() if on}
    if has_cue("agreement", whole):  # "K-aftalen for datastandard service" is a name, and
        cues |= {"agreement"}  # an agreement all the same
    if "task" in cues and ("we" in cues or any(m.kind == "municipality" for m in mentions)):
        # "hvad har vi af opgaver i KLIK?": KLIK is the task system here, not the project
        mentions = [m for m in mentions if not (m.resolved and m.resolved.key == "klik")]
    return Understanding(
        text=text,
        words=repaired,
        # the language of the words, typos repaired ("agreeemnts"), names left out
        lang=detect_language(f"{named_out} {' '.join(fixes)}" if named_out.strip() else text),
        period=period,
        mentions=tuple(mentions),
        cues=cues,
        yes_no=yes_no,
        wave=wave,
        extra_words=extra,
    )


_MONTHS: Final = [
    "januar",
    "february",
    "februar",
    "march",
    "marts",
    "april",
    "august",
    "september",
    "oktober",
    "october",
    "november",
    "december",
    "january",
]


def _months_repaired(text: str) -> str:
    """A month name with one typo written right ("decebmer", "septmeber"), so the period is
    read; the same length, so spans still index the message."""

    def fixed(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 5 or word.casefold() in _MONTHS:
            return word
        close = [
            m for m in _MONTHS if len(m) == len(word) and OSA.distance(word.casefold(), m) == 1
        ]
        return close[0] if len(close) == 1 else word

    return _WORDS.sub(fixed, text)


def _repaired(folded: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The text with typos in ordinary words repaired, its words, and the repaired words."""
    out: list[str] = []
    fixes: list[str] = []
    last = 0
    for match in _WORDS.finditer(folded):
        word = match.group()
        fixed = repair(word)
        if fixed:
            fixes.append(fixed)
        out.append(folded[last : match.start()])
        out.append(fixed or word)
        last = match.end()
    out.append(folded[last:])
    repaired = " ".join("".join(out).split())
    return repaired, tuple(_WORDS.findall(repaired)), tuple(fixes)


# Words after which a municipality's name is expected ("frister for Faxø", "besøgt Læsø").
_BEFORE_A_NAME: Final = frozenset(
    [
        "var",
        "gik",
        "kom",
        "blev",
        "har",
        "did",
        "has",
        "was",
        "for",
        "i",
        "på",
        "paa",
        "pa",
        "hos",
        "fra",
        "til",
        "om",
        "in",
        "at",
        "from",
        "besøgt",
        "besoegt",
        "besøge",
        "visit",
        "visited",
        "kommune",
        "kommunen",
    ]
)


def _names_in_place(index: EntityIndex, text: str, mentions: list[Mention]) -> list[Mention]:
    """A word where a municipality's name is expected that is a typo of two names ("frister for
    faxø": Faxe or Fanø?) is asked back rather than ignored, which would answer for everyone.
    Only ambiguous ones: a lone guess at one name is never made here."""
    words = list(_WORDS.finditer(text))
    found = list(mentions)
    for before, word in itertools.pairwise(words):
        if before.group().casefold() not in _BEFORE_A_NAME or len(word.group()) < 4:
            continue
        if any(m.span[0] < word.end() and word.start() < m.span[1] for m in found):
            continue
        if is_cue_word(plain(word.group())):
            continue
        mention = index.lookup(word.group(), "municipality")
        if mention is not None and mention.ambiguous:
            found.append(dataclasses.replace(mention, span=(word.start(), word.end())))
    return sorted(found, key=lambda m: m.span) if len(found) > len(mentions) else mentions


def _short_question_names(index: EntityIndex, text: str, mentions: list[Mention]) -> list[Mention]:
    """In a question of a few words, a municipality's name written in lower case is the
    municipality ("aftaler vejen" is Vejen), which running text would read as an ordinary word
    ("i vejen"). Exact names, and a typo of two names (asked back, "aftaler fane": Fanø or
    Faxe?) — never a guess at one name."""
    words = list(_WORDS.finditer(text))
    if len(words) > 4 or any(m.kind == "municipality" for m in mentions):
        return mentions
    for word in words:
        if len(word.group()) < 4 or any(m.span[0] <= word.start() < m.span[1] for m in mentions):
            continue
        if is_cue_word(plain(word.group())):
            continue
        found = index.lookup(word.group(), "municipality")
        if found is not None and (
            found.ambiguous or index.names_exactly(word.group(), "municipality")
        ):
            placed = dataclasses.replace(found, span=(word.start(), word.end()))
            return sorted([*mentions, placed], key=lambda m: m.span)
    return mentions
