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

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from dialogs.answers import agreements, deadlines, frozen, meetings, people, tasks
from dialogs.answers.common import Context
from dialogs.questions.asking import ask_which_agreement
from dialogs.questions.understanding import Understanding
from dialogs.reply import Language, Reply
from store.snapshot import Agreement

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
]


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as an answer function sees it: understood, in context, "vi" resolved."""

    u: Understanding
    ctx: Context
    municipality: str | None  # the one named, or the asker's when they said "vi"/"we"

    @property
    def solutions(self) -> list[str]:
        found = self.u.keys("solution")
        # "which KLIK tasks does SAPA have?": KLIK names the task system, not the project.
        return [s for s in found if s != "klik"] if len(found) > 1 else found


Answerer = Callable[[Asked], Reply | None]


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


# --- the answers ---------------------------------------------------------------------------


def _agreements_of(a: Asked) -> Reply | None:
    return agreements.agreements_for_municipality(a.ctx, a.municipality) if a.municipality else None


def _found(a: Asked, *, strict: bool) -> list[Agreement]:
    text = a.u.without(a.u.span_of("municipality"))
    return agreements.find_agreements(
        a.ctx, text, a.solutions, a.u.keys("agreement"), strict=strict
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


def _task(a: Asked) -> Reply | None:
    key = a.u.first("task")
    return tasks.task_details(a.ctx, a.ctx.snapshot.tasks[key]) if key else None


def _task_who(a: Asked) -> Reply | None:
    key = a.u.first("task")
    return tasks.who_task(a.ctx, a.ctx.snapshot.tasks[key]) if key else None


def _municipality_tasks(a: Asked) -> Reply | None:
    if a.municipality is None:
        return None
    if a.u.period is not None:
        return _deadlines(a)
    return tasks.municipality_tasks(a.ctx, a.municipality)


def _solution_tasks(a: Asked) -> Reply | None:
    return tasks.project_tasks(a.ctx, a.solutions[0]) if a.solutions else None


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


def _rollout_wave(a: Asked) -> Reply | None:
    return people.rollout_wave(a.ctx, a.u.wave, a.solutions) if a.u.wave else None


# What may stand around a municipality's name in "what about Vejle?" (the overview): any other
# word asks something the overview does not answer ("Hvor mange indbyggere har Vejle?").
_OVERVIEW_WORDS: Final = frozenset(
    [
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


def _agreement_named(u: Understanding) -> bool:
    return (
        "agreement" in u.kinds
        or u.has("agreement_kind")
        or ("solution" in u.kinds and u.has("agreement"))
    )


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
    ),
    AnswerType(
        "municipality_overview",
        "aftaler",
        _agreements_of,
        needs=("municipality",),
        cues={"details": 0.25},
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
        },
        accepts=frozenset({"region", "solution"}),
        examples={
            "da": (
                "Hvem mangler at underskrive {agreement}?",
                "Hvor mange kommuner mangler at underskrive {agreement}?",
            ),
            "en": ("Who has not signed {agreement}?", "How many have signed {agreement}?"),
        },
    ),
    AnswerType(
        "municipality_agreement_status",
        "aftaler",
        _status_of_one,
        needs=("municipality", "agreement"),
        cues={"yes_no": 2, "sign": 1, "agreement": 0.5, "details": 1, "missing": 0.5, "frozen": -3},
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
        cues={"deadline": 3, "when": 2.5, "sign": 0.5},
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
        cues={"agreement": 3, "which": 0.5, "agreement_kind": -1.5, "who": -1, "frozen": -3},
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
        cues={"details": 1, "when": 1, "deadline": 0.5, "what": 0.5, "task": 0.25, "frozen": -3},
        accepts=frozenset({"solution"}),
        examples={"da": ("Status på {task}",), "en": ("Status of {task}",)},
    ),
    AnswerType(
        "task_who",
        "opgaver",
        _task_who,
        needs=("task",),
        cues={"who": 2, "count": 1.5, "missing": 1, "progress": 1, "done": 0.5},
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
        cues={"task": 2.5, "which": 0.5, "meeting": -3, "frozen": -3},
        examples={
            "da": ("Hvilke KLIK-opgaver har {solution}?",),
            "en": ("Which KLIK tasks does {solution} have?",),
        },
    ),
    # --- deadlines ----------------------------------------------------------------------------
    AnswerType(
        "deadlines",
        "frister",
        _deadlines,
        cues={"deadline": 3, "period": 2, "period_question": 1, "task": 0.5},
        requires=("deadline", "period_question"),
        accepts=frozenset({"municipality"}),
        examples={
            "da": ("Hvad har deadline i december?", "Hvad skal vi nå før jul?"),
            "en": ("Which KLIK tasks are due this week?",),
        },
    ),
    # --- frozen zones -------------------------------------------------------------------------
    AnswerType(
        "frozen_next",
        "frozen",
        lambda a: frozen.frozen_next(a.ctx),
        cues={"frozen": 3, "when": 1, "next": 1, "closed": 1},
        requires=("frozen", "closed"),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvornår er næste frozen zone?",),
            "en": ("When is the next frozen zone?",),
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
        cues={"frozen": 3, "blocked": 2.5, "closed": 1.5},
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
    ),
    AnswerType(
        "meeting_in_period",
        "møder",
        _meeting_in_period,
        needs=("past_period",),
        cues={"meeting": 3, "agenda": 1.5, "actions": 1, "attended": 1.5},
        requires=("meeting", "agenda", "attended"),
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
        cues={"contact": 4, "who": 1},
        requires=("contact",),
        accepts=frozenset({"solution", "task", "contact", "agreement"}),
        examples={
            "da": ("Hvem kan jeg spørge om {solution}?",),
            "en": ("Who can I ask about {solution}?",),
        },
    ),
    # --- rollout ------------------------------------------------------------------------------
    AnswerType(
        "rollout_when",
        "udrulning",
        _rollout_when,
        needs=("municipality",),
        cues={"golive": 3, "wave": 2, "when": 1, "visit": -4, "meeting": -2, "task": -1},
        requires=("golive", "wave"),
        accepts=frozenset({"solution"}),
        examples={
            "da": ("Hvornår gik {municipality} live på KY?",),
            "en": ("When did {municipality} go live on KY?",),
        },
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
    # --- the asker's profile and reports (carried out by the dialogs) -------------------------
    AnswerType(
        "register",
        "profil",
        None,
        needs=("named_municipality",),
        cues={"register": 6},
        requires=("register",),
        forbids=("whoami",),
        examples={
            "da": ("Jeg er programleder i {municipality}",),
            "en": ("I am programme leader for {municipality}",),
        },
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
    ),
)

BY_NAME: Final[Mapping[str, AnswerType]] = {q.name: q for q in QUESTIONS}
ACTIONS: Final = frozenset(q.name for q in QUESTIONS if q.answer is None)
