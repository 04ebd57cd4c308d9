"""Every question type the bot answers, declared once: what it needs, what speaks for and
against it, its example phrasings, and the function that answers it.

Adding a question type is adding one :class:`AnswerType` here (and its answer function under
:mod:`dialogs.answers`). The ranker (:mod:`dialogs.questions.ranker`) scores every type against
the :class:`~dialogs.questions.understanding.Understanding`; the order of this list decides
nothing. The examples serve three readers: the help card, the "Mente du …?" suggestions and
the tests.

Scores: each need met counts :data:`NEED`; each cue present adds its weight (negative weights
speak against); a named thing the type neither needs nor accepts costs :data:`STRAY`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from dialogs.answers import agreements, deadlines, frozen, meetings, people, places, tasks
from dialogs.answers.common import Context, newest_first_key, shown_title, task_name
from dialogs.index import same_task
from dialogs.questions.asking import ask_which, ask_which_agreement, small_talk
from dialogs.questions.understanding import LAST_WAVE, Understanding
from dialogs.questions.vocabulary import is_cue_word
from dialogs.reply import Language, Reply
from dialogs.text import plain
from store.snapshot import Agreement, DataSnapshot, Task

NEED: Final = 2.0
STRAY: Final = 1.5
ACCEPTED: Final = 0.25

Need = Literal[
    "municipality",  # named, or "vi"/"we" (the asker's registered municipality)
    "named_municipality",  # named in the question ("jeg er programleder i …")
    "agreement",  # named, or a kind of agreement with a solution ("FLIS-databehandleraftalen")
    "task",
    "solution",
    "period",
    "past_period",
    "wave",
    "region",
]


@dataclass(frozen=True, slots=True)
class DataWords:
    """The words of the data that questions are compared with, prepared once per snapshot:
    each task's title in the loose form, and the rollout waves that have names of their own."""

    snapshot: DataSnapshot
    titles: tuple[tuple[Task, str], ...]
    wave_names: tuple[tuple[str, str], ...]  # (name, " loose form ")

    @classmethod
    def of(cls, snapshot: DataSnapshot) -> DataWords:
        names = {  # not a name made of the vocabulary's own words ("go-live", "Bølge 2")
            w.wave
            for w in snapshot.rollout_waves
            if len(w.wave) > 3
            and not any(is_cue_word(x) for x in re.findall(r"\w+", plain(w.wave)))
        }
        return cls(
            snapshot,
            tuple((t, plain(f"{t.title} {t.code}")) for t in snapshot.tasks.values()),
            tuple((n, f" {' '.join(plain(n).split())} ") for n in sorted(names)),
        )


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as an answer function sees it: understood, in context, "vi" resolved."""

    u: Understanding
    ctx: Context
    municipality: str | None  # the one named, or the asker's when they said "vi"/"we"
    data: DataWords

    @property
    def solutions(self) -> list[str]:
        return _without_klik(self.u.keys("solution"))

    @property
    def agreement_solutions(self) -> list[str]:
        """The solutions named, and in an agreement's name also a short code written in lower
        case ("databehandleraftalen for ky"), which running text would not read as KY."""
        if self.solutions or not self.u.has("agreement_kind", "agreement"):
            return self.solutions
        codes = {s.code.casefold(): s.key for s in self.ctx.snapshot.solutions.values()}
        return [codes[w] for w in self.u.extra_words if w in codes][:1]


Answerer = Callable[[Asked], Reply | None]


def _without_klik(solutions: list[str]) -> list[str]:
    """ "which KLIK tasks does SAPA have?": KLIK names the task system, not the project."""
    return [s for s in solutions if s != "klik"] if len(solutions) > 1 else solutions


def with_data_names(u: Understanding, data: DataWords) -> Understanding:
    """``u`` with what only the data can tell: the cue ``task_title`` when its words name one
    to five tasks by their title (so a task's answers fit a question without a task code), and
    a rollout wave named as the data names it ("Fast Track", "Bølge 2" of FK OSS)."""
    if "task" not in u.kinds and 0 < len(titled_tasks(u, data)) <= 5:
        u = dataclasses.replace(u, cues=u.cues | {"task_title"})
    named = _wave_named(u, data)
    if named is not None:
        u = dataclasses.replace(u, wave=named, cues=u.cues | {"wave"})
    return u


def _wave_named(u: Understanding, data: DataWords) -> str | None:
    """A wave whose own name the question writes ("fk oss fast track")."""
    text = f" {' '.join(u.extra_words)} "
    found = [name for name, loose in data.wave_names if loose in text]
    return max(found, key=len) if found else None


@dataclass(frozen=True, slots=True)
class AnswerType:
    """One question type. ``answer`` None: an action the dialogs carry out themselves
    (profile, self-report), ranked like any answer. ``answer`` may return None when, looking
    closer, the question is not its kind after all; the next best type then answers."""

    name: str
    topic: str
    answer: Answerer | None
    needs: tuple[Need, ...] = ()
    cues: Mapping[str, float] = field(default_factory=dict)
    requires: tuple[str, ...] = ()  # at least one of these cues
    forbids: tuple[str, ...] = ()  # none of these cues
    accepts: frozenset[str] = frozenset()  # kinds of names it uses besides its needs
    fits: Callable[[Understanding], bool] | None = None
    examples: Mapping[Language, tuple[str, ...]] = field(default_factory=dict)
    help: Mapping[Language, str] = field(default_factory=dict)  # on the help card, if given
    # The default reading of its topic: what "frozen zone?" or "møde?" alone asks for. Decides
    # between types of one topic that fit equally well, never against a cue.
    prior: float = 0.0


# --- the answers ---------------------------------------------------------------------------


_SMALL_TALK: Final = frozenset(
    plain(word)
    for word in [
        "hej",
        "hejsa",
        "halløj",
        "hello",
        "hi",
        "hey",
        "godmorgen",
        "goddag",
        "god",
        "morgen",
        "good",
        "morning",
        "morn",
        "dav",
        "hallo",
        "tak",
        "tusind",
        "mange",
        "thanks",
        "thank",
        "you",
        "thx",
        "perfekt",
        "super",
        "great",
        "fint",
        "fedt",
        "for",
        "det",
        "hjælpen",
        "the",
        "help",
        "med",
        "dig",
        "there",
    ]
)


def _only_small_talk(u: Understanding) -> bool:
    return not u.mentions and all(word in _SMALL_TALK for word in u.extra_words)


def _small_talk(a: Asked) -> Reply:
    examples = [e.format(**DEFAULT_NAMES[a.ctx.lang]) for e in _FIRST_EXAMPLES[a.ctx.lang]]
    return small_talk(a.u.has("thanks") and not a.u.has("greeting"), a.ctx.lang, examples)


def _agreements_of(a: Asked) -> Reply | None:
    return agreements.agreements_for_municipality(a.ctx, a.municipality) if a.municipality else None


def _found(a: Asked, *, strict: bool) -> list[Agreement]:
    text = a.u.without(a.u.span_of("municipality"))
    return agreements.find_agreements(
        a.ctx, text, a.agreement_solutions, a.u.keys("agreement"), strict=strict
    )


def _signers(a: Asked) -> Reply | None:
    found = _found(a, strict=True)
    one = agreements.pick_one(found)
    if one is not None:
        region = a.u.first("region")
        return agreements.who_agreement(
            a.ctx,
            one,
            signed=a.u.has("done") and not a.u.has("missing"),
            region=region,
            count=a.u.has("count"),
        )
    if found:
        return ask_which_agreement(found[:5], a.ctx.snapshot, a.ctx.lang)
    return None


def _status_of_one(a: Asked) -> Reply | None:
    municipality = a.municipality
    if municipality is None:
        return None
    found = _found(a, strict=True)
    one = agreements.pick_one(found)
    if one is not None:
        return agreements.municipality_agreement_status(a.ctx, one, municipality)
    if 1 < len(found) <= 5:  # one of a few: which one? (never a guess that may be wrong)
        return ask_which_agreement(
            found,
            a.ctx.snapshot,
            a.ctx.lang,
            lambda key: a.ctx.t(
                f"har {municipality} underskrevet {key}?", f"has {municipality} signed {key}?"
            ),
        )
    return None


def _deadline_of(a: Asked) -> Reply | None:
    found = _found(a, strict=True)
    if len(found) == 1:
        return agreements.who_agreement(a.ctx, found[0], signed=False)
    if 1 < len(found) <= 5:
        return ask_which_agreement(
            found,
            a.ctx.snapshot,
            a.ctx.lang,
            lambda key: a.ctx.t(f"hvad er fristen for {key}?", f"deadline of {key}?"),
        )
    return None


def _solution_agreements(a: Asked) -> Reply | None:
    return agreements.solution_agreements(a.ctx, a.solutions[0]) if a.solutions else None


# Words that say nothing about which task is meant.
_NOT_A_TITLE: Final = frozenset(
    [
        "hvordan",
        "hvornar",
        "hvilke",
        "hvilken",
        "status",
        "about",
        "which",
        "where",
        "there",
        "their",
        "these",
        "those",
        "would",
        "could",
        "should",
        "tegne",
    ]
)


def _in_title(word: str, haystack: str) -> bool:
    """The word, or its stem without a Danish ending ("indsende" in "Indsend EAN-nummer"); a
    short word (an acronym: "EAN", "EG_") only as a word of its own."""
    if len(word) < 5:
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", haystack) is not None
    return (
        word in haystack
        or (len(word) >= 6 and word[:-1] in haystack)
        or (len(word) >= 7 and word[:-2] in haystack)
    )


_ACRONYM: Final = re.compile(r"(?<![\w])([A-ZÆØÅ]{2,5})(?![a-zæøå])|\b([A-Za-z]{2,4})_")


def _title_words(u: Understanding) -> set[str]:
    """The words of a question that may be words of a task's title: ordinary words of five
    letters or more (long compounds even when they contain a cue word, "kontaktoplysninger"),
    and acronyms written as such ("EAN", "EG_Konfigurer")."""
    named = {plain(m.text) for m in u.mentions}
    words = {
        w
        for w in u.extra_words
        if len(w) >= 5 and (not is_cue_word(w) or len(w) >= 12) and w not in _NOT_A_TITLE
    }
    for match in _ACRONYM.finditer(u.text):
        acronym = plain(match.group(1) or match.group(2))
        if acronym not in named:
            words.add(acronym)
    return words


def titled_tasks(u: Understanding, data: DataWords) -> list[Task]:
    """Tasks named by the words of their title ("opgaven om at udpege en Reformansvarlig"):
    those that share the most distinctive words with the question, at least two words or one
    of eight letters that few titles have — never a task that merely shares a common word.
    A number the question writes picks among numbered titles ("datapakke 3")."""
    words = _title_words(u)
    snapshot = data.snapshot
    solutions = _without_klik(u.keys("solution"))
    codes = [plain(snapshot.solutions[s].code) for s in solutions if s in snapshot.solutions]
    scored: list[tuple[int, int, Task]] = []
    for task, haystack in data.titles:  # (the project is a solution: a name, not a title word)
        # a solution the question names is the task's project, or in its title ("YR- og KSD-")
        if solutions and task.solution not in solutions and not any(c in haystack for c in codes):
            continue
        hits = [w for w in words if _in_title(w, haystack)]
        if hits:
            scored.append((len(hits), sum(map(len, hits)), task))
    if not scored:
        return []
    best = max((n, length) for n, length, _ in scored)
    tied = {same_task(task) for n, length, task in scored if (n, length) == best}
    # enough to tell: two words; one long word that few titles have; or the only match among
    # a solution's tasks ("gennemfør", in three titles, names none of them)
    one_long = best[1] >= 8 and len(tied) <= 2
    if best[0] < 2 and not one_long and not (solutions and len(tied) == 1):
        return []
    newest_first = sorted(
        (task for n, length, task in scored if (n, length) == best),
        key=lambda t: newest_first_key(t.meeting, snapshot),
        reverse=True,
    )
    numbers = set(re.findall(r"(?<![\w.])\d{1,3}(?![\w.])", u.without(_period_span(u))))
    numbered = [t for t in newest_first if numbers and numbers <= set(re.findall(r"\d+", t.title))]
    one_each: dict[tuple[str, str, str], Task] = {}
    for task in numbered or newest_first:  # the same task announced twice is one task
        one_each.setdefault(same_task(task), task)
    return list(one_each.values())


def _period_span(u: Understanding) -> tuple[int, int] | None:
    return u.period.span if u.period is not None else None


def _the_task(a: Asked, question: Callable[[str], str]) -> Task | Reply | None:
    """The task a question is about: named by its code or by its title; when a few titles
    fit equally, which one (a button each)."""
    key = a.u.first("task")
    if key is not None:
        return a.ctx.snapshot.tasks[key]
    found = titled_tasks(a.u, a.data)
    if len(found) == 1:
        return found[0]
    if 1 < len(found) <= 5:
        choices = [(t.code or shown_title(t.title), task_name(t, a.ctx.snapshot)) for t in found]
        return ask_which(choices, "task", a.ctx.lang, question)
    return None


def _task(a: Asked) -> Reply | None:
    found = _the_task(a, lambda name: a.ctx.t(f"status på {name}", f"status of {name}"))
    return tasks.task_details(a.ctx, found) if isinstance(found, Task) else found


def _task_who(a: Asked) -> Reply | None:
    found = _the_task(a, lambda name: a.ctx.t(f"hvem mangler {name}", f"who has not done {name}"))
    return tasks.who_task(a.ctx, found) if isinstance(found, Task) else found


def _municipality_tasks(a: Asked) -> Reply | None:
    if a.municipality is None:
        return None
    if a.u.period is not None:
        return _deadlines(a)
    return tasks.municipality_tasks(a.ctx, a.municipality)


def _solution_tasks(a: Asked) -> Reply | None:
    if not a.solutions or a.u.has("task_title"):
        return None  # "EAN-nummer opgaven på VALG" is one task, not VALG's list
    return tasks.project_tasks(a.ctx, a.solutions[0])


def _deadlines(a: Asked) -> Reply | None:
    period, ctx = a.u.period, a.ctx
    if period is not None:
        start, end, label = period.start, period.end, period.label(ctx.lang)
    else:
        start, end = ctx.today, ctx.today + dt.timedelta(days=30)
        label = ctx.t("de næste 30 dage", "in the next 30 days")
    return deadlines.deadlines(ctx, start, end, label, a.municipality)


def _meeting_in_period(a: Asked) -> Reply | None:
    period = a.u.period
    if period is None or period.start > a.ctx.today:
        return None
    return meetings.meeting_in_period(
        a.ctx, period.start, period.end, period.label(a.ctx.lang), actions=a.u.has("actions")
    )


def _contact(a: Asked) -> Reply | None:
    snapshot = a.ctx.snapshot
    codes = [snapshot.solutions[s].code for s in a.solutions if s in snapshot.solutions]
    return people.contacts_for(a.ctx, a.u.text, codes)


def _rollout_when(a: Asked) -> Reply | None:
    if a.municipality is None:
        return None
    return people.rollout_for_municipality(a.ctx, a.municipality, a.solutions)


def _rollout_in_period(a: Asked) -> Reply | None:
    period = a.u.period
    if period is None:
        return None
    label = period.label(a.ctx.lang)
    return people.rollout_in_period(a.ctx, period.start, period.end, label, a.solutions)


def _rollout_wave(a: Asked) -> Reply | None:
    if not a.u.wave:
        return None
    waves = a.ctx.snapshot.rollout_waves
    known = {w.wave.casefold() for w in waves if not a.solutions or w.solution in a.solutions}
    code = a.u.wave
    if code == LAST_WAVE:  # "den sidste KY-bølge": the newest go-live of the solution's waves
        dated = [
            (w.go_live.latest, w.wave)
            for w in waves
            if w.go_live and w.go_live.latest and (w.solution in a.solutions or not a.solutions)
        ]
        if not dated:
            return None
        code = max(dated)[1]
    if code.casefold() not in known and code[1:].isdigit():  # FK OSS writes "Bølge 2"
        spelled = f"Bølge {code[1:]}"
        code = spelled if spelled.casefold() in known else code
    return people.rollout_wave(a.ctx, code, a.solutions)


def _same_wave(a: Asked) -> Reply | None:
    """ "hvem gik live sammen med os på KY?": the municipality's own wave, with its members."""
    if a.municipality is None:
        return None
    codes = {
        w.wave
        for w in a.ctx.snapshot.rollout_waves
        if w.municipality == a.municipality and (not a.solutions or w.solution in a.solutions)
    }
    return people.rollout_wave(a.ctx, codes.pop(), a.solutions) if len(codes) == 1 else None


def _region_of(a: Asked) -> Reply | None:
    return places.municipality_region(a.ctx, a.municipality) if a.municipality else None


def _region_members(a: Asked) -> Reply | None:
    region = a.u.first("region")
    return places.region_members(a.ctx, region) if region else None


def _solution_info(a: Asked) -> Reply | None:
    return places.solution_info(a.ctx, a.solutions[0]) if a.solutions else None


def _meeting_polls(a: Asked) -> Reply | None:
    period = a.u.period
    start, end = (period.start, period.end) if period is not None else (None, None)
    meeting = meetings.meeting_for_polls(a.ctx, start, end)
    if meeting is not None:
        label = meeting.label
    else:
        label = period.label(a.ctx.lang) if period else a.ctx.t("seneste møde", "latest meeting")
    return meetings.meeting_polls(a.ctx, meeting, label)


# What may stand around a municipality's name in "what about Vejle?" (the overview): any other
# word asks something the overview does not answer ("Hvor mange indbyggere har Vejle?").
_OVERVIEW_WORDS: Final = frozenset(
    plain(word)
    for word in [
        "hvad",
        "med",
        "om",
        "status",
        "for",
        "pa",
        "kommune",
        "kommunen",
        "kommunes",
        "overblik",
        "oversigt",
        "hvordan",
        "gar",
        "det",
        "og",
        "star",
        "til",
        "hos",
        "i",
        "vi",
        "os",
        "vores",
        "mangler",
        "har",
        "er",
        "noget",
        "nyt",
        "seneste",
        "abent",
        "udestaende",
        "what",
        "about",
        "how",
        "is",
        "are",
        "doing",
        "the",
        "of",
        "in",
        "we",
        "us",
        "our",
        "missing",
        "open",
        "outstanding",
        "anything",
        "new",
        "latest",
        "overview",
        "summary",
        "with",
        "at",
        "has",
        "have",
        "tell",
        "me",
        "hej",
        "hi",
    ]
)


def _bare(u: Understanding) -> bool:
    return all(word in _OVERVIEW_WORDS for word in u.extra_words)


_WHAT_IS_WORDS: Final = frozenset(
    plain(word)
    for word in [
        "hvad",
        "er",
        "star",
        "for",
        "betyder",
        "what",
        "is",
        "does",
        "stand",
        "stands",
        "for",
        "mean",
        "means",
        "the",
        "full",
        "name",
        "of",
        "fulde",
        "navn",
        "pa",
        "hedder",
        "called",
    ]
)


def _what_is(u: Understanding) -> bool:
    """ "Hvad er KY?", "hvad står SAPA for?" — and nothing more ("hvad koster FLIS?" is not)."""
    return all(word in _WHAT_IS_WORDS for word in u.extra_words)


QUESTIONS: Final[tuple[AnswerType, ...]] = (
    # --- agreements -------------------------------------------------------------------------
    AnswerType(
        "agreements_of_municipality",
        "aftaler",
        _agreements_of,
        needs=("municipality",),
        cues={"agreement": 3, "sign": 1, "missing": 0.5, "which": 0.5, "done": 0.25, "frozen": -3},
        requires=("agreement", "sign"),
        accepts=frozenset({"region"}),
        examples={
            "da": ("Hvilke aftaler mangler {municipality} at underskrive?",),
            "en": ("Which agreements does {municipality} still need to sign?",),
        },
        help={
            "da": "aftaler en kommune mangler at underskrive",
            "en": "agreements a municipality has to sign",
        },
    ),
    AnswerType(
        "municipality_overview",
        "aftaler",
        _agreements_of,
        needs=("municipality",),
        cues={"details": 0.25, "missing": 1, "what": 0.25},
        fits=_bare,
        examples={"da": ("{municipality}",), "en": ("{municipality}",)},
    ),
    AnswerType(
        "agreement_signers",
        "aftaler",
        _signers,
        needs=("agreement",),
        cues={
            "who": 2,
            "count": 2,
            "sign": 1,
            "missing": 0.5,
            "done": 0.5,
            "agreement": 1,
            "which": 0.5,
            "agreement_kind": 1,
            "deadline": -1,
            "frozen": -3,
            "task": -2,
            "contact": -3,
        },
        accepts=frozenset({"region", "solution"}),
        examples={
            "da": (
                "Hvem mangler at underskrive {agreement}?",
                "Hvor mange kommuner mangler at underskrive {agreement}?",
            ),
            "en": ("Who has not signed {agreement}?", "How many have signed {agreement}?"),
        },
        help={"da": "hvem der mangler – eller hvor mange", "en": "who is missing – or how many"},
    ),
    AnswerType(
        "municipality_agreement_status",
        "aftaler",
        _status_of_one,
        needs=("municipality", "agreement"),
        cues={
            "yes_no": 2,
            "sign": 1,
            "agreement": 0.5,
            "details": 1,
            "missing": 0.5,
            "frozen": -3,
            "task": -2,
            "contact": -3,
        },
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Har {municipality} underskrevet {agreement}?",),
            "en": ("Has {municipality} signed {agreement}?",),
        },
    ),
    AnswerType(
        "agreement_deadline",
        "aftaler",
        _deadline_of,
        needs=("agreement",),
        cues={"deadline": 3, "when": 2.5, "sign": 0.5, "task": -2, "contact": -3},
        requires=("deadline", "when"),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvad er fristen for {agreement}?",),
            "en": ("What is the deadline for {agreement}?",),
        },
    ),
    AnswerType(
        "solution_agreements",
        "aftaler",
        _solution_agreements,
        needs=("solution",),
        cues={
            "agreement": 3,
            "which": 0.5,
            "agreement_kind": -1.5,
            "who": -1,
            "frozen": -3,
            "contact": -3,
        },
        requires=("agreement",),
        examples={
            "da": ("Hvilke aftaler er der for {solution}?",),
            "en": ("Which agreements are there for {solution}?",),
        },
    ),
    # --- KLIK tasks ---------------------------------------------------------------------------
    AnswerType(
        "task_status",
        "opgaver",
        _task,
        needs=("task",),
        cues={
            "details": 1,
            "when": 1,
            "deadline": 0.5,
            "what": 0.5,
            "task": 0.25,
            "task_title": 1,
            "frozen": -3,
            "contact": -3,
        },
        accepts=frozenset({"solution"}),
        examples={"da": ("Status på {task}",), "en": ("Status of {task}",)},
        help={
            "da": "en KLIK-opgave: indhold, frist og status",
            "en": "a KLIK task: content, deadline and status",
        },
    ),
    AnswerType(
        "task_who",
        "opgaver",
        _task_who,
        needs=("task",),
        cues={
            "who": 2,
            "count": 1.5,
            "missing": 1,
            "progress": 1,
            "done": 0.5,
            "task_title": 1,
            "contact": -3,
        },
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvem mangler at fuldføre {task}?",),
            "en": ("Who has not completed {task}?",),
        },
    ),
    AnswerType(
        "municipality_tasks",
        "opgaver",
        _municipality_tasks,
        needs=("municipality",),
        cues={"task": 3, "which": 0.5, "meeting": -3, "agreement": -1, "frozen": -3},
        requires=("task",),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvilke KLIK-opgaver har {municipality}?",),
            "en": ("Which KLIK tasks does {municipality} have?",),
        },
    ),
    AnswerType(
        "solution_tasks",
        "opgaver",
        _solution_tasks,
        needs=("solution",),
        cues={
            "task": 2.5,
            "which": 0.5,
            "meeting": -3,
            "frozen": -3,
            "deadline": -1.5,
            "contact": -3,
        },
        examples={
            "da": ("Hvilke KLIK-opgaver har {solution}?",),
            "en": ("Which KLIK tasks does {solution} have?",),
        },
        help={"da": "opgaver pr. løsning", "en": "tasks per solution"},
    ),
    # --- deadlines ----------------------------------------------------------------------------
    AnswerType(
        "deadlines",
        "frister",
        _deadlines,
        cues={"deadline": 3, "period": 2, "period_question": 1, "task": 0.5},
        requires=("deadline", "period_question"),
        accepts=frozenset({"municipality", "solution"}),
        examples={
            "da": ("Hvad har deadline i december?", "Hvad skal vi nå før jul?"),
            "en": ("Which KLIK tasks are due this week?",),
        },
        help={"da": "frister i en periode", "en": "deadlines in a period"},
    ),
    # --- frozen zones -------------------------------------------------------------------------
    AnswerType(
        "frozen_next",
        "frozen",
        lambda a: frozen.frozen_next(a.ctx),
        cues={"frozen": 3, "when": 1, "next": 1, "closed": 1},
        requires=("frozen", "closed"),
        accepts=frozenset({"solution"}),
        prior=0.5,
        examples={
            "da": ("Hvornår er næste frozen zone?",),
            "en": ("When is the next frozen zone?",),
        },
        help={
            "da": "frozen zones, og hvad man ikke kan i dem",
            "en": "frozen zones and what cannot be done in them",
        },
    ),
    AnswerType(
        "frozen_now",
        "frozen",
        lambda a: frozen.frozen_now(a.ctx),
        cues={"frozen": 3, "now": 2.5, "closed": 1, "when": -2},
        requires=("frozen", "closed"),
        accepts=frozenset({"solution"}),
        examples={"da": ("Er vi i frozen zone nu?",), "en": ("Are we in a frozen zone now?",)},
    ),
    AnswerType(
        "frozen_blocked",
        "frozen",
        lambda a: frozen.frozen_blocked(a.ctx),
        cues={"frozen": 3, "blocked": 2.5, "closed": 1.5, "when": -2, "now": -1},
        requires=("frozen",),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvad kan vi ikke i frozen zone?",),
            "en": ("What can't we do in a frozen zone?",),
        },
    ),
    # --- meetings -----------------------------------------------------------------------------
    AnswerType(
        "meeting_next",
        "møder",
        lambda a: meetings.meeting_next(a.ctx),
        cues={"meeting": 3, "next": 1, "when": 0.5, "past_period": -3},
        requires=("meeting",),
        prior=0.5,
        examples={
            "da": ("Hvornår er næste programledermøde?",),
            "en": ("When is the next programme-leader meeting?",),
        },
    ),
    AnswerType(
        "meeting_last",
        "møder",
        lambda a: meetings.meeting_last(a.ctx),
        cues={"meeting": 3, "last": 1.5, "past_period": -3},
        requires=("meeting",),
        examples={
            "da": ("Hvad skete der på sidste møde?",),
            "en": ("What happened at the last meeting?",),
        },
    ),
    AnswerType(
        "meeting_agenda",
        "møder",
        lambda a: meetings.meeting_last(a.ctx, agenda=True),
        cues={"agenda": 4, "meeting": 1.5, "last": 0.5, "past_period": -3},
        requires=("agenda",),
        examples={
            "da": ("Hvad var dagsordenen på sidste møde?",),
            "en": ("Agenda of the last meeting",),
        },
    ),
    AnswerType(
        "meeting_actions",
        "møder",
        lambda a: meetings.meeting_actions(a.ctx),
        cues={"meeting": 3, "actions": 4, "last": 0.5, "past_period": -3},
        requires=("meeting",),
        accepts=frozenset({"municipality"}),
        examples={
            "da": ("Hvad er vores opgaver fra sidste møde?",),
            "en": ("What are our tasks from the last meeting?",),
        },
        help={
            "da": "opgaver fra programledermødet",
            "en": "tasks from the programme-leader meeting",
        },
    ),
    AnswerType(
        "meeting_in_period",
        "møder",
        _meeting_in_period,
        needs=("past_period",),
        cues={"meeting": 3, "agenda": 1.5, "actions": 1, "attended": 1.5},
        requires=("meeting", "agenda", "attended", "actions"),
        examples={
            "da": ("Hvad var dagsordenen for mødet i marts 2020?",),
            "en": ("The meeting in March 2020",),
        },
    ),
    # --- contacts -----------------------------------------------------------------------------
    AnswerType(
        "contact",
        "kontakter",
        _contact,
        cues={"contact": 4, "who": 1, "question_word": 1.5},
        requires=("contact", "question_word"),
        accepts=frozenset({"solution", "task", "contact", "agreement"}),
        examples={
            "da": ("Hvem kan jeg spørge om {solution}?",),
            "en": ("Who can I ask about {solution}?",),
        },
        help={"da": "kontaktpersoner", "en": "contacts"},
    ),
    # --- rollout ------------------------------------------------------------------------------
    AnswerType(
        "rollout_when",
        "udrulning",
        _rollout_when,
        needs=("municipality",),
        cues={
            "golive": 3,
            "wave": 2,
            "got": 1.5,
            "when": 1,
            "visit": -4,
            "meeting": -2,
            "task": -1,
            "actions": -2,
        },
        requires=("golive", "wave", "got"),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvornår gik {municipality} live på KY?",),
            "en": ("When did {municipality} go live on KY?",),
        },
        help={"da": "udrulning og bølger", "en": "rollouts and waves"},
    ),
    AnswerType(
        "rollout_wave",
        "udrulning",
        _rollout_wave,
        needs=("wave",),
        cues={"wave": 3, "golive": 1, "who": 0.5, "which": 0.5, "count": 0.5},
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvilke kommuner var i bølge B3?",),
            "en": ("Which municipalities were in wave B3?",),
        },
    ),
    AnswerType(
        "same_wave",
        "udrulning",
        _same_wave,
        needs=("municipality",),
        cues={"same": 3, "golive": 1, "wave": 1, "who": 1},
        requires=("same",),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvem gik live sammen med {municipality} på KY?",),
            "en": ("Who was in the same KY wave as {municipality}?",),
        },
    ),
    AnswerType(
        "rollout_in_period",
        "udrulning",
        _rollout_in_period,
        needs=("period",),
        cues={"golive": 3, "wave": 1, "who": 1, "which": 0.5, "visit": -4, "meeting": -2},
        requires=("golive", "wave"),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvem gik live på KY i marts 2021?",),
            "en": ("Who went live on KY in March 2021?",),
        },
    ),
    # --- visits -------------------------------------------------------------------------------
    AnswerType(
        "visits",
        "besøg",
        lambda a: meetings.visits(a.ctx, a.municipality),
        cues={"visit": 4},
        requires=("visit",),
        accepts=frozenset({"municipality"}),
        examples={
            "da": ("Hvornår besøger KOMBIT {municipality}?",),
            "en": ("Has KOMBIT visited {municipality}?",),
        },
    ),
    # --- the base tables: regions, solutions, the polls the decks show -----------------------
    AnswerType(
        "municipality_region",
        "kommuner",
        _region_of,
        needs=("municipality",),
        cues={"region": 3, "which": 0.5},
        requires=("region",),
        forbids=("agreement", "task", "deadline"),
        examples={
            "da": ("Hvilken region ligger {municipality} i?",),
            "en": ("Which region is {municipality} in?",),
        },
    ),
    AnswerType(
        "region_members",
        "kommuner",
        _region_members,
        needs=("region",),
        cues={"which": 0.5, "who": 0.5},
        forbids=("agreement", "task", "deadline", "visit", "golive"),
        examples={
            "da": ("Hvilke kommuner ligger i Region Nordjylland?",),
            "en": ("Which municipalities are in Region Nordjylland?",),
        },
    ),
    AnswerType(
        "solution_info",
        "løsninger",
        _solution_info,
        needs=("solution",),
        cues={"solution_name": 3, "what": 1, "details": 0.5, "task": -2, "agreement": -2},
        requires=("solution_name", "what"),
        forbids=("contact", "frozen", "golive", "deadline", "meeting", "wave"),
        fits=_what_is,
        examples={"da": ("Hvad står {solution} for?",), "en": ("What does {solution} stand for?",)},
    ),
    AnswerType(
        "meeting_polls",
        "møder",
        _meeting_polls,
        cues={"poll": 4, "meeting": 1, "last": 0.5, "which": 0.5},
        requires=("poll",),
        examples={
            "da": ("Hvilke afstemninger var der på mødet i september 2020?",),
            "en": ("Which polls were there at the meeting in September 2020?",),
        },
    ),
    # --- small talk ------------------------------------------------------------------------
    AnswerType(
        "small_talk",
        "hjælp",
        _small_talk,
        cues={"greeting": 2.5, "thanks": 2.5},
        requires=("greeting", "thanks"),
        fits=_only_small_talk,
        examples={"da": ("Hej",), "en": ("Hello",)},
    ),
    # --- the asker's profile and reports (carried out by the dialogs) -------------------------
    AnswerType(
        "register",
        "profil",
        None,
        needs=("named_municipality",),
        cues={"register": 6},
        requires=("register",),
        forbids=("whoami", "question"),  # "hvem er programleder i Aarhus?" registers nobody
        examples={
            "da": ("Jeg er programleder i {municipality}",),
            "en": ("I am programme leader for {municipality}",),
        },
        help={"da": "så betyder »vi« Vejle", "en": "then »we« means Vejle"},
    ),
    AnswerType(
        "whoami",
        "profil",
        None,
        cues={"whoami": 6},
        requires=("whoami",),
        forbids=("forget",),
        accepts=frozenset({"municipality"}),
        examples={"da": ("Hvem er jeg?",), "en": ("Who am I?",)},
    ),
    AnswerType(
        "forget_me",
        "profil",
        None,
        cues={"forget": 7},
        requires=("forget",),
        examples={"da": ("Glem mig",), "en": ("Forget me",)},
    ),
    AnswerType(
        "self_report",
        "profil",
        None,
        cues={"report": 7},
        requires=("report",),
        forbids=("question",),
        accepts=frozenset({"municipality", "task", "agreement", "solution"}),
        fits=lambda u: bool(u.kinds & {"task", "agreement", "solution"}) or u.has("agreement"),
        examples={
            "da": ("{municipality} har underskrevet {agreement}",),
            "en": ("{municipality} has signed {agreement}",),
        },
        help={
            "da": "meld jeres egen status (du bekræfter på et kort og kan fortryde)",
            "en": "report your own status (you confirm on a card and can undo it)",
        },
    ),
)

BY_NAME: Final[Mapping[str, AnswerType]] = {q.name: q for q in QUESTIONS}

# The questions offered after "hej": the three a newcomer most likely wants.
_FIRST_EXAMPLES: Final[Mapping[Language, tuple[str, ...]]] = {
    lang: tuple(
        BY_NAME[name].examples[lang][0]
        for name in ("agreements_of_municipality", "deadlines", "frozen_next")
    )
    for lang in ("da", "en")
}
DEFAULT_NAMES: Final[Mapping[Language, Mapping[str, str]]] = {
    "da": {
        "municipality": "Vejle",
        "task": "ADG_0",
        "solution": "VALG",
        "agreement": "tilslutningsaftalen om datastandarder",
    },
    "en": {
        "municipality": "Vejle",
        "task": "ADG_0",
        "solution": "VALG",
        "agreement": "the data standards agreement",
    },
}
