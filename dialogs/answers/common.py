"""Words and phrases every answer uses: statuses, deadlines, status dates, data age."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dialogs.freshness import STALE_AFTER
from dialogs.reply import Language
from kombitbot.dates import FuzzyDate, Precision, render_fuzzy_date
from store.snapshot import Agreement, DataSnapshot, MunicipalityStatus, Task

SIGNATURE_WORDS: dict[str, dict[Language, str]] = {
    "missing": {"da": "mangler underskrift", "en": "signature missing"},
    "signed": {"da": "underskrevet", "en": "signed"},
    "unknown": {"da": "status ukendt", "en": "status unknown"},
}
TASK_WORDS: dict[str, dict[Language, str]] = {
    "completed": {"da": "fuldført", "en": "completed"},
    "started": {"da": "påbegyndt", "en": "started"},
    "not_started": {"da": "ikke påbegyndt", "en": "not started"},
    "unknown": {"da": "status ukendt", "en": "status unknown"},
}


@dataclass(frozen=True, slots=True)
class Context:
    """What every answer needs besides its own parameters."""

    snapshot: DataSnapshot
    today: dt.date
    lang: Language
    show_all: bool = False

    def t(self, da: str, en: str) -> str:
        return da if self.lang == "da" else en


def sentence(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower-case month names)."""
    return text[:1].upper() + text[1:]


def when(value: FuzzyDate | None, lang: Language) -> str:
    """A date as precisely as it was written ("ultimo januar 2026 (senest 31.01.2026)")."""
    if value is None:
        return "ikke angivet" if lang == "da" else "not given"
    return render_fuzzy_date(value, lang)


def deadline_phrase(value: FuzzyDate | None, ctx: Context) -> str:
    """ "frist 15. december 2025" / "frist overskredet: …" / "ingen frist angivet"."""
    if value is None:
        return ctx.t("ingen frist angivet", "no deadline given")
    if value.precision is Precision.UNDECIDED:
        return ctx.t("frist uafklaret", "deadline undecided")
    text = when(value, ctx.lang)
    if value.latest is not None and value.latest < ctx.today:
        return ctx.t(f"frist var {text} (overskredet)", f"deadline was {text} (passed)")
    return ctx.t(f"frist {text}", f"deadline {text}")


def status_word(
    status: MunicipalityStatus, words: dict[str, dict[Language, str]], lang: Language
) -> str:
    word = words.get(status.status, words["unknown"])[lang]
    if status.derived:
        word += " (udledt)" if lang == "da" else " (derived)"
    return word


def is_stale(day: dt.date | None, ctx: Context) -> bool:
    return day is not None and (ctx.today - day) > STALE_AFTER


def status_date_note(raw: str, day: dt.date | None, ctx: Context) -> str:
    """ "Status opgjort 20.11.25 – 5 dage gammel." with a warning when the data is old."""
    if not raw:
        return ctx.t("Ingen statusdato i kilden.", "The source gives no status date.")
    note = ctx.t(f"Status opgjort {raw}", f"Status as of {raw}")
    if day is not None and is_stale(day, ctx):
        age = (ctx.today - day).days
        note += ctx.t(
            f" – {age} dage gammel; tjek KLIK for den aktuelle status",
            f" – {age} days old; check KLIK for the current status",
        )
    return note + "."


def solution_code(key: str | None, snapshot: DataSnapshot, *, fallback: str = "") -> str:
    """How users write a solution ("SAPA", "FKI-SP"), from its key; ``fallback`` if unknown."""
    solution = snapshot.solutions.get(key or "")
    return solution.code if solution is not None else (fallback or key or "")


def agreement_name(agreement: Agreement, snapshot: DataSnapshot) -> str:
    code = solution_code(agreement.solution, snapshot, fallback=agreement.solution_as_written)
    return f"{code}: {agreement.title}" if code else agreement.title


# The slides mark some titles as provisional; the data keeps that, the bot's answers do not.
_PROVISIONAL = re.compile(r"^\s*arbejdstitel\s*:\s*", re.IGNORECASE)


def shown_title(title: str) -> str:
    """A task's title as an answer shows it: without the slide's "Arbejdstitel:"."""
    return _PROVISIONAL.sub("", title)


def task_name(task: Task, snapshot: DataSnapshot) -> str:
    project = solution_code(task.solution, snapshot, fallback=task.project)
    title = shown_title(task.title)
    label = f"{task.code} – {title}" if task.code else title
    if not project or label.casefold().startswith(project.casefold()):
        return label  # "FLIS: Underskriv …" already names its project
    return f"{project} {label}"


def meeting_day(meeting_key: str | None, snapshot: DataSnapshot) -> dt.date | None:
    meeting = snapshot.meetings.get(meeting_key or "")
    if meeting is None:
        return None
    if meeting.date and meeting.date.earliest:
        return meeting.date.earliest
    return meeting.status_as_of


def newest_first_key(meeting_key: str | None, snapshot: DataSnapshot) -> dt.date:
    return meeting_day(meeting_key, snapshot) or dt.date.min


def is_current_agreement(agreement: Agreement, ctx: Context) -> bool:
    """Still to be reported on: listed in the newest deck, or its deadline has not passed."""
    newest = ctx.snapshot.latest_deck_day
    if newest is not None and meeting_day(agreement.meeting, ctx.snapshot) == newest:
        return True  # on the newest deck's list: still current, even if its deadline passed
    deadline = agreement.deadline
    return deadline is not None and deadline.latest is not None and deadline.latest >= ctx.today
