"""Whether a reply answers a :class:`Q`: the headline a user reads first, in the right language,
about exactly the expected municipality, agreement or task.

The judge reads only what Teams received and the built-in tables (``store/data``), never the
bot's own code, so it cannot agree with a mistake the bot makes.
"""

from __future__ import annotations

import csv
import re
from functools import cache

from tests.bot.questions import Q
from tests.bot.questions.paraphrases import DATA, municipality_names


@cache
def _rows(table: str, key: str) -> dict[str, dict[str, str]]:
    with (DATA / table).open(encoding="utf-8") as f:
        return {row[key]: row for row in csv.DictReader(f)}


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("–", "-").split())


def _words(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name.casefold())}(?![\w-])")


HEADLINES: dict[str, tuple[str, str]] = {  # answer → (Danish, English) headline start
    "agreements_of_municipality": ("aftaler - {m}", "agreements - {m}"),
    "solution_agreements": ("aftaler - {s}", "agreements - {s}"),
    "municipality_tasks": ("klik-opgaver - {m}", "klik tasks - {m}"),
    "solution_tasks": ("klik-opgaver - {s}", "klik tasks - {s}"),
    "deadlines": ("frister", "deadlines"),
    "frozen_next": ("næste frozen zone", "next frozen zone"),
    "frozen_now": ("er vi i frozen zone nu?", "are we in a frozen zone now?"),
    "frozen_blocked": ("det kan kommunen ikke", "what a municipality can not do"),
    "meeting_next": ("næste programledermøde", "next programme-leader meeting"),
    "meeting_last": ("seneste programledermøde", "latest programme-leader meeting"),
    "meeting_actions": ("opgaver for jer", "your tasks"),
    "rollout_when": ("go-live - {m}", "go-live - {m}"),
    "rollout_wave": ("bølge {w}", "wave {w}"),
    "register": ("noteret: du er programleder i {m}", "noted: you are programme leader for {m}"),
    "ask_back": ("mente du", "did you mean"),
    "not_answerable": ("det kan jeg ikke svare på", "i cannot answer that"),
}


def _agreement_parts(key: str) -> list[str]:
    row = _rows("agreements.csv", "agreement_id")[key]
    solution = row["solution"].split("/")[0].strip()
    return [row["agreement"].strip(), solution]


def _task_parts(key: str) -> list[str]:
    row = _rows("klik_tasks.csv", "task_id")[key]
    title = re.sub(r"^\s*arbejdstitel\s*:\s*", "", row["title"], flags=re.I)
    return [p for p in (row["code"], title[:40]) if p]


def verdict(q: Q, reply: str) -> str | None:
    """None when ``reply`` answers ``q``; otherwise what is wrong, in a few words."""
    lines = [line for line in reply.splitlines() if line.strip()]
    if not lines:
        return "no reply"
    head = _fold(lines[0])
    whole = _fold(reply)
    en = q.lang == "en"
    slots = {
        "m": (q.municipality or "").casefold(),
        "s": (q.solution or "").casefold(),
        "w": (q.wave or "").casefold(),
    }
    wrong = _wrong_municipality(q, head)
    if wrong:
        return f"about {wrong}, not {q.municipality}: {lines[0]}"
    if q.expect in HEADLINES:
        expected = HEADLINES[q.expect][1 if en else 0].format(**slots)
        if not head.startswith(_fold(expected)):
            return f"headline {lines[0]!r}, expected {expected!r}"
    if q.expect == "ask_back":
        missing = [c for c in q.candidates if c.casefold() not in whole]
        return f"ask-back without {missing}" if missing else None
    if q.expect in ("agreement_signers", "agreement_count", "agreement_deadline"):
        if not all(_fold(p) in head for p in _agreement_parts(q.agreement or "")):
            return f"headline {lines[0]!r} is not about {q.agreement}"
        if head.startswith(tuple(m.casefold() + " - " for m in municipality_names())):
            return f"one municipality's status, not the list: {lines[0]!r}"
        if q.expect == "agreement_count" and not re.search(
            r"^\d+ (?:kommuner|municipalit)|ukendt|unknown",
            _fold(lines[1] if len(lines) > 1 else ""),
        ):
            return f"the number does not come first: {lines[1:2]}"
        if q.expect == "agreement_deadline" and not re.search(r"frist|deadline", whole):
            return "no deadline in the reply"
    if q.expect == "municipality_agreement_status":
        prefix = f"{(q.municipality or '').casefold()} - "
        if not head.startswith(prefix) or not all(
            _fold(p) in head for p in _agreement_parts(q.agreement or "")
        ):
            return f"headline {lines[0]!r}, expected {q.municipality} – {q.agreement}"
    if q.expect in ("task_status", "task_who") and not all(
        _fold(p) in head for p in _task_parts(q.task or "")
    ):
        return f"headline {lines[0]!r} is not about {q.task}"
    if q.expect == "deadlines" and q.municipality and q.municipality.casefold() not in whole:
        return f"deadlines not for {q.municipality}"
    if q.expect == "meeting_agenda" and not re.search(r"dagsorden|agenda|program", whole):
        return f"no agenda: {lines[0]!r}"
    if q.expect == "meeting_in_period":
        row = _rows("meetings.csv", "meeting_id").get(q.meeting or "")
        label = _fold(row["meeting"]) if row else ""
        if label and label not in whole:
            return f"not the meeting {row['meeting'] if row else q.meeting}: {lines[0]!r}"
        if not label and not re.search(r"programledermøde|meeting", head):
            return f"no meeting: {lines[0]!r}"
    if q.expect == "contact":
        if q.contact and q.contact.casefold() not in whole:
            return f"{q.contact} not in the reply: {lines[0]!r}"
        if not re.search(r"kontakt|contact", head):
            return f"headline {lines[0]!r} is not a contact"
    if q.expect == "visits":
        if not re.search(r"besøg|visit", head):
            return f"headline {lines[0]!r} is not about visits"
        if q.municipality and q.municipality.casefold() not in whole:
            return f"visits without {q.municipality}"
    if q.expect == "whoami" and not re.search(
        r"programleder i|programme leader for|ved ikke, hvilken kommune|don't know your", whole
    ):
        return f"not who you are: {lines[0]!r}"
    if q.expect == "forget_me" and not re.search(r"glemt|ingen profil|forgotten|no profile", head):
        return f"not forgotten: {lines[0]!r}"
    if q.expect == "self_report":
        if not re.search(r"skal jeg registrere|shall i record|should i record|register that", head):
            return f"no confirmation asked: {lines[0]!r}"
        if q.municipality and q.municipality.casefold() not in head:
            return f"report not for {q.municipality}: {lines[0]!r}"
    if en and _looks_danish(head) and q.expect not in ("rollout_wave",):
        return f"answered in Danish: {lines[0]!r}"
    return None


_DANISH_HEAD = re.compile(r"\b(?:aftaler|frister|næste|seneste|opgaver|bølge|kontakt|mente du)\b")


def _looks_danish(head: str) -> bool:
    return bool(_DANISH_HEAD.search(head))


def _wrong_municipality(q: Q, head: str) -> str | None:
    """Another municipality named in the headline when the question is about one."""
    if not q.municipality:
        return None
    for name in municipality_names():
        other = name != q.municipality and name.casefold() not in q.municipality.casefold()
        if other and _words(name).search(head):
            return name
    return None
