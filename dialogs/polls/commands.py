"""Poll commands as typed in chat, parsed into what to do (pure).

``afstemning: Er du enig …? Ja; Nej; Måske`` / ``poll: <question>? A; B``, with optional words
before the colon (``anonym``, ``navngivet``, ``flervalg``, ``skjult``, ``luk efter 10
minutter``); the templates ``afstemning ja/nej/måske``, ``evaluering`` and ``bedømmelse``;
``afstemning`` alone (the form); ``luk afstemning``, ``resultater``, ``resultater fra mødet``,
``evaluering: udvikling`` and ``eksportér afstemning``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Literal

from dialogs.reply import Language
from store.polls import OptionSpec, PollSpec, QuestionSpec

MAX_QUESTION = 300
MAX_OPTION = 100
MAX_OPTIONS = 10
MAX_STATEMENTS = 8
MAX_MINUTES = 7 * 24 * 60

# The meeting evaluation KOMBIT ran in Mentimeter (store/data/polls.csv, P001-02…05).
EVALUATION_QUESTION: dict[Language, str] = {
    "da": "Hvor enig/uenig er du i følgende udsagn?",
    "en": "How much do you agree or disagree with these statements?",
}
EVALUATION_STATEMENTS: dict[Language, tuple[str, ...]] = {
    "da": (
        "Oplæg har været relevante for mig",
        "Der var god vekslen mellem oplæg, dialog og involvering",
        "Dagens møde har skabt værdi for mig",
        "Dagens møde understøtter min opgaveløsning relateret til KOMBIT",
    ),
    "en": (
        "The presentations were relevant to me",
        "There was a good mix of presentations, dialogue and involvement",
        "Today's meeting created value for me",
        "Today's meeting supports my work related to KOMBIT",
    ),
}
LIKERT: dict[Language, tuple[str, ...]] = {
    "da": ("Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig"),
    "en": (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ),
}
DONT_KNOW: dict[Language, str] = {"da": "Ved ikke", "en": "Don't know"}
YES_NO_MAYBE: dict[Language, tuple[str, ...]] = {
    "da": ("Ja", "Nej", "Måske"),
    "en": ("Yes", "No", "Maybe"),
}
RATING_QUESTION: dict[Language, str] = {
    "da": "Hvordan vil du bedømme dagens møde?",
    "en": "How would you rate today's meeting?",
}


@dataclass(frozen=True, slots=True)
class StartPoll:
    spec: PollSpec
    lang: Language


@dataclass(frozen=True, slots=True)
class OpenForm:
    """``afstemning`` alone: the form card, optionally pre-filled with a template's options."""

    lang: Language
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PollAction:
    action: Literal["close", "results", "meeting_results", "trend", "export"]
    lang: Language
    detail: str = ""  # export: "csv", "xlsx" or "" (both)


@dataclass(frozen=True, slots=True)
class PollProblem:
    """A poll command we recognised but cannot carry out as written: say why, with an example."""

    text: str


PollCommand = StartPoll | OpenForm | PollAction | PollProblem

_HEAD = re.compile(
    r"^\s*(?P<word>afstemning|poll|evaluering|evaluation|bedømmelse|bedoemmelse|rating)\b"
    r"(?P<mods>[^:]*)(?::(?P<body>.*))?$",
    re.I | re.S,
)
_CLOSE_AFTER = re.compile(
    r"\b(?:luk(?:ker)?\s+efter|close\s+after|closes\s+after)\s+(\d{1,5})\s*"
    r"(min(?:ut(?:ter)?)?|minutes?|t(?:imer?)?|hours?)\b",
    re.I,
)
_ACTIONS: dict[
    str, tuple[Literal["close", "results", "meeting_results", "trend", "export"], Language]
] = {
    "luk afstemning": ("close", "da"),
    "luk afstemningen": ("close", "da"),
    "afslut afstemning": ("close", "da"),
    "afslut afstemningen": ("close", "da"),
    "close poll": ("close", "en"),
    "close the poll": ("close", "en"),
    "resultater": ("results", "da"),
    "resultat": ("results", "da"),
    "vis resultater": ("results", "da"),
    "results": ("results", "en"),
    "poll results": ("results", "en"),
    "show results": ("results", "en"),
    "resultater fra mødet": ("meeting_results", "da"),
    "resultater fra modet": ("meeting_results", "da"),
    "resultater fra dagens møde": ("meeting_results", "da"),
    "results from the meeting": ("meeting_results", "en"),
    "meeting results": ("meeting_results", "en"),
    "evaluering udvikling": ("trend", "da"),
    "evaluering: udvikling": ("trend", "da"),
    "evalueringer udvikling": ("trend", "da"),
    "evaluation trend": ("trend", "en"),
    "evaluation: trend": ("trend", "en"),
    "eksportér afstemning": ("export", "da"),
    "eksporter afstemning": ("export", "da"),
    "eksportér afstemningen": ("export", "da"),
    "eksporter afstemningen": ("export", "da"),
    "eksportér resultater": ("export", "da"),
    "eksporter resultater": ("export", "da"),
    "export poll": ("export", "en"),
    "export results": ("export", "en"),
}
_EXPORT_FORMAT = re.compile(r"\s+(?:som\s+|as\s+)?(csv|xlsx|excel)$", re.I)


def _normalise(text: str) -> str:
    return " ".join(text.casefold().replace("?", " ").replace("!", " ").split()).strip(" .")


def _lang_of(word: str) -> Language:
    return "en" if word.casefold() in ("poll", "evaluation", "rating") else "da"


def parse_poll_command(text: str, now: dt.datetime) -> PollCommand | None:
    """The poll command in ``text``, or None if it is not one (then it is a question)."""
    normalised = _normalise(text)
    export_format = ""
    if match := _EXPORT_FORMAT.search(normalised):
        export_format = "xlsx" if match.group(1) == "excel" else match.group(1)
        normalised = normalised[: match.start()]
    if normalised in _ACTIONS:
        action, lang = _ACTIONS[normalised]
        return PollAction(action, lang, export_format if action == "export" else "")
    head = _HEAD.match(text.strip())
    if head is None:
        return None
    word = head.group("word").casefold()
    lang = _lang_of(word)
    mods = head.group("mods") or ""
    body = head.group("body")
    if word.startswith(("evalu",)):
        return _evaluation(mods, body, lang, now)
    if word.startswith(("bedøm", "bedoem", "rating")):
        return _rating(mods, body, lang, now)
    template = re.search(
        r"\b(ja\s*/\s*nej\s*/\s*m(?:å|aa|a)ske|yes\s*/\s*no\s*/\s*maybe)\b", mods, re.I
    )
    if template:
        mods = mods[: template.start()] + mods[template.end() :]
    if body is None or not body.strip():
        if mods.strip() and not template and not _only_modifiers(mods):
            return None  # "afstemninger i går?" is a question, not a command
        return OpenForm(lang, YES_NO_MAYBE[lang] if template else ())
    options = YES_NO_MAYBE[lang] if template else None
    return _choice_poll(mods, body, lang, now, options)


def _only_modifiers(mods: str) -> bool:
    rest = _CLOSE_AFTER.sub(" ", mods)
    words = set(re.findall(r"[\wæøå]+", rest.casefold()))
    return words <= _MODIFIER_WORDS


_MODIFIER_WORDS = frozenset(
    {
        "anonym",
        "anonymous",
        "navngivet",
        "named",
        "med",
        "navn",
        "navne",
        "flervalg",
        "multiple",
        "choice",
        "flere",
        "svar",
        "skjult",
        "skjulte",
        "hidden",
        "resultater",
        "results",
        "live",
    }
)


@dataclass(frozen=True, slots=True)
class _Modifiers:
    anonymous: bool = True
    multiple: bool = False
    hidden: bool = False
    closes_at: dt.datetime | None = None
    problem: str = ""


def _modifiers(mods: str, lang: Language, now: dt.datetime) -> _Modifiers:
    lowered = mods.casefold()
    result = _Modifiers()
    if re.search(r"\b(?:navngiven|navngivet|named|med navne?)\b", lowered):
        result = replace(result, anonymous=False)
    if re.search(r"\b(?:flervalg|flere svar|multiple(?: choice)?)\b", lowered):
        result = replace(result, multiple=True)
    if re.search(r"\b(?:skjult|skjulte|hidden)\b", lowered):
        result = replace(result, hidden=True)
    if match := _CLOSE_AFTER.search(mods):
        amount = int(match.group(1))
        minutes = amount * 60 if match.group(2).casefold().startswith(("t", "h")) else amount
        if not 1 <= minutes <= MAX_MINUTES:
            return replace(
                result,
                problem=_t(
                    lang,
                    "En afstemning kan lukke efter 1 minut til 7 dage.",
                    "A poll can close after 1 minute up to 7 days.",
                ),
            )
        result = replace(result, closes_at=now + dt.timedelta(minutes=minutes))
    return result


def _t(lang: Language, da: str, en: str) -> str:
    return da if lang == "da" else en


def usage(lang: Language) -> str:
    return _t(
        lang,
        "Skriv fx »afstemning: Er du enig i, at integrationen af rollegalleriet i KLIK vil skabe "
        "værdi? Ja; Nej; Måske« – eller bare »afstemning« for at udfylde en formular.",
        "Write e.g. »poll: Should we move the meeting to Thursday? Yes; No; Maybe« – or just "
        "»poll« to fill in a form.",
    )


def split_question(body: str) -> tuple[str, list[str]]:
    """ "Question? A; B; C" → ("Question?", [A, B, C]); "Question; A; B" also works."""
    body = " ".join(body.split())
    mark = body.rfind("?")
    if mark != -1 and ";" in body[mark:]:
        question, rest = body[: mark + 1], body[mark + 1 :]
        return question.strip(), [o.strip() for o in rest.split(";") if o.strip()]
    if mark != -1 and mark == len(body) - 1 and ";" not in body:
        return body, []
    parts = [p.strip() for p in body.split(";") if p.strip()]
    return (parts[0], parts[1:]) if parts else ("", [])


def validate_choice_poll(
    question: str, options: list[str], lang: Language
) -> tuple[str, list[str]] | PollProblem:
    """The same rules for the command and the form: a question, 2–10 distinct short options."""
    question = question.strip()
    if not any(c.isalnum() for c in question):
        return PollProblem(
            _t(lang, "Afstemningen mangler et spørgsmål. ", "The poll has no question. ")
            + usage(lang)
        )
    if len(question) > MAX_QUESTION:
        return PollProblem(
            _t(
                lang,
                f"Spørgsmålet er for langt (højst {MAX_QUESTION} tegn).",
                f"The question is too long (at most {MAX_QUESTION} characters).",
            )
        )
    if len(options) < 2:
        return PollProblem(
            _t(
                lang,
                "En afstemning skal have mindst to svarmuligheder, adskilt af ;. ",
                "A poll needs at least two options, separated by ;. ",
            )
            + usage(lang)
        )
    if len(options) > MAX_OPTIONS:
        return PollProblem(
            _t(lang, f"Højst {MAX_OPTIONS} svarmuligheder.", f"At most {MAX_OPTIONS} options.")
        )
    if any(len(o) > MAX_OPTION for o in options):
        return PollProblem(
            _t(
                lang,
                f"En svarmulighed må højst være {MAX_OPTION} tegn.",
                f"An option can be at most {MAX_OPTION} characters.",
            )
        )
    folded = [o.casefold() for o in options]
    if len(set(folded)) != len(folded):
        return PollProblem(_t(lang, "To svarmuligheder er ens.", "Two options are the same."))
    return question, options


def _choice_poll(
    mods: str, body: str, lang: Language, now: dt.datetime, options: tuple[str, ...] | None
) -> PollCommand:
    modifiers = _modifiers(mods, lang, now)
    if modifiers.problem:
        return PollProblem(modifiers.problem)
    question, given = split_question(body)
    checked = validate_choice_poll(question, list(options) if options else given, lang)
    if isinstance(checked, PollProblem):
        return checked
    question, chosen = checked
    spec = PollSpec(
        kind="choice",
        lang=lang,
        title=question,
        questions=(QuestionSpec(question, tuple(OptionSpec(o) for o in chosen)),),
        multiple=modifiers.multiple,
        anonymous=modifiers.anonymous,
        results_hidden=modifiers.hidden,
        closes_at=modifiers.closes_at,
    )
    return StartPoll(spec, lang)


def evaluation_spec(
    statements: tuple[str, ...],
    lang: Language,
    *,
    dont_know: bool = True,
    anonymous: bool = True,
    hidden: bool = False,
    closes_at: dt.datetime | None = None,
) -> PollSpec:
    scale = tuple(OptionSpec(label, score) for score, label in enumerate(LIKERT[lang], start=1))
    if dont_know:
        scale += (OptionSpec(DONT_KNOW[lang], None),)
    return PollSpec(
        kind="evaluation",
        lang=lang,
        title=EVALUATION_QUESTION[lang],
        questions=tuple(QuestionSpec(s, scale) for s in statements),
        anonymous=anonymous,
        results_hidden=hidden,
        closes_at=closes_at,
    )


def _evaluation(
    mods: str, body: str | None, lang: Language, now: dt.datetime
) -> PollCommand | None:
    if _normalise(body or "") in ("udvikling", "trend", "development"):
        return PollAction("trend", lang)
    if re.search(r"\budvikling\b|\btrend\b", mods, re.I):
        return PollAction("trend", lang)
    dont_know = not re.search(
        r"\buden\s+(?:»|\")?ved ikke|\bwithout\s+(?:\")?don'?t know", mods, re.I
    )
    cleaned = re.sub(
        r"\buden\s+(?:»|\")?ved ikke(?:«|\")?|\bwithout\s+(?:\")?don'?t know\"?",
        " ",
        mods,
        flags=re.I,
    )
    if cleaned.strip() and not _only_modifiers(cleaned):
        return None  # "evaluering af mødet i går?" is a question
    modifiers = _modifiers(cleaned, lang, now)
    if modifiers.problem:
        return PollProblem(modifiers.problem)
    statements = EVALUATION_STATEMENTS[lang]
    if body and body.strip():
        statements = tuple(s.strip() for s in body.split(";") if s.strip())
        if (
            not statements
            or len(statements) > MAX_STATEMENTS
            or any(len(s) > MAX_QUESTION for s in statements)
        ):
            return PollProblem(
                _t(
                    lang,
                    f"En evaluering har 1–{MAX_STATEMENTS} udsagn adskilt af ; (hvert højst {MAX_QUESTION} tegn).",
                    f"An evaluation has 1–{MAX_STATEMENTS} statements separated by ; (each at most {MAX_QUESTION} characters).",
                )
            )
    return StartPoll(
        evaluation_spec(
            statements,
            lang,
            dont_know=dont_know,
            anonymous=modifiers.anonymous,
            hidden=modifiers.hidden,
            closes_at=modifiers.closes_at,
        ),
        lang,
    )


def rating_spec(
    question: str,
    lang: Language,
    *,
    anonymous: bool = True,
    hidden: bool = False,
    closes_at: dt.datetime | None = None,
) -> PollSpec:
    stars = tuple(OptionSpec(str(score), score) for score in range(1, 6))
    return PollSpec(
        kind="rating",
        lang=lang,
        title=question,
        questions=(QuestionSpec(question, stars),),
        anonymous=anonymous,
        results_hidden=hidden,
        closes_at=closes_at,
    )


def _rating(mods: str, body: str | None, lang: Language, now: dt.datetime) -> PollCommand | None:
    if mods.strip() and not _only_modifiers(mods):
        return None
    modifiers = _modifiers(mods, lang, now)
    if modifiers.problem:
        return PollProblem(modifiers.problem)
    question = " ".join((body or "").split()) or RATING_QUESTION[lang]
    if len(question) > MAX_QUESTION:
        return PollProblem(
            _t(
                lang,
                f"Spørgsmålet er for langt (højst {MAX_QUESTION} tegn).",
                f"The question is too long (at most {MAX_QUESTION} characters).",
            )
        )
    return StartPoll(
        rating_spec(
            question,
            lang,
            anonymous=modifiers.anonymous,
            hidden=modifiers.hidden,
            closes_at=modifiers.closes_at,
        ),
        lang,
    )
