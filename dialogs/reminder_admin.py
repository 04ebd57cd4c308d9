"""KOMBIT admins steering reminders in chat: what the commands are and what the bot answers.

* "påmindelser i morgen" / "påmindelser 2025-12-12" (also "i dag", "12.12.2025";
  English "reminders tomorrow") – exactly what would go out that day, and where.
* "send påmindelser nu" / "send reminders now" – today's reminders, now (idempotent).
* "pause påmindelser" / "genoptag påmindelser" (English "pause reminders" / "resume
  reminders") – stop or restart every automatic send, for all instances.

Pure: parsing and texts only; :mod:`bot.reminder_admin` runs them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from babel.dates import format_date

from dialogs.reply import Language
from notifications.fanout import FanOutSummary, Preview, PreviewEntry

__all__ = [
    "AdminCommand",
    "parse_admin_command",
    "preview_text",
    "summary_text",
]

Action = Literal["preview", "send", "pause", "resume"]

_PREVIEW: Final = re.compile(
    r"^(?P<word>påmindelser|paamindelser|reminders)\s+(?:for\s+|til\s+)?(?P<when>.+)$"
)
_SEND: Final[dict[str, Language]] = {
    "send påmindelser nu": "da",
    "send påmindelserne nu": "da",
    "send reminders now": "en",
}
_PAUSE: Final[dict[str, Language]] = {
    "pause påmindelser": "da",
    "pause påmindelserne": "da",
    "sæt påmindelser på pause": "da",
    "pause reminders": "en",
}
_RESUME: Final[dict[str, Language]] = {
    "genoptag påmindelser": "da",
    "genoptag påmindelserne": "da",
    "resume reminders": "en",
}
_PUNCTUATION: Final = re.compile(r"[?!,:;]+|\.$")
LINES_SHOWN: Final = 40
_TYPES: Final[dict[str, tuple[str, str]]] = {
    "personal": ("personlig chat", "personal chat"),
    "channel": ("kanal", "channel"),
    "groupChat": ("gruppechat", "group chat"),
}


@dataclass(frozen=True, slots=True)
class AdminCommand:
    action: Action
    lang: Language
    day: dt.date | None = None  # preview only


def _day(when: str, today: dt.date) -> dt.date | None:
    if when in ("i dag", "idag", "today"):
        return today
    if when in ("i morgen", "imorgen", "tomorrow"):
        return today + dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(when)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", when)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


def parse_admin_command(text: str, today: dt.date) -> AdminCommand | None:
    """The admin command ``text`` is, or None (then it is some other message)."""
    plain = " ".join(_PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).casefold()).split())
    if plain in _SEND:
        return AdminCommand("send", _SEND[plain])
    if plain in _PAUSE:
        return AdminCommand("pause", _PAUSE[plain])
    if plain in _RESUME:
        return AdminCommand("resume", _RESUME[plain])
    match = _PREVIEW.match(plain)
    if match is None:
        return None
    day = _day(match["when"].strip(), today)
    if day is None:
        return None
    return AdminCommand("preview", "en" if match["word"] == "reminders" else "da", day)


def _t(lang: Language, da: str, en: str) -> str:
    return da if lang == "da" else en


def _date(day: dt.date, lang: Language) -> str:
    return format_date(day, "EEEE d. MMMM y" if lang == "da" else "EEEE d MMMM y", locale=lang)


def _where(entry: PreviewEntry, lang: Language) -> str:
    target = entry.digest.target
    kind = _TYPES.get(
        target.conversation_type, (target.conversation_type, target.conversation_type)
    )
    label = kind[0] if lang == "da" else kind[1]
    name = target.name or target.conversation_id[:40]
    if target.personal and target.municipality:
        label += f", {target.municipality}"
    return f"{name} ({label})"


def _state(entry: PreviewEntry, lang: Language) -> str:
    if entry.would_send and entry.state == "failed":
        return _t(lang, " – fejlede før, sendes igen", " – failed before, will be sent again")
    if entry.would_send:
        return ""
    if entry.state == "sent":
        return _t(lang, " – allerede sendt", " – already sent")
    if entry.state == "gone":
        return _t(lang, " – samtalen findes ikke længere", " – conversation gone")
    return _t(lang, " – sendes lige nu", " – being sent right now")


def preview_text(preview: Preview, lang: Language) -> str:
    """ "Påmindelser fredag 12. december 2025: 4 påmindelser, 37 kort …" with one line per
    conversation: where, how many, about what, and whether it was sent already."""
    when = _date(preview.day, lang)
    lines = [
        _t(
            lang,
            f"Påmindelser {when}: {len(preview.reminders)} påmindelser, "
            f"{len(preview.to_send)} kort sendes (af {len(preview.entries)} planlagte).",
            f"Reminders for {when}: {len(preview.reminders)} reminders, "
            f"{len(preview.to_send)} cards to send (of {len(preview.entries)} planned).",
        )
    ]
    if preview.paused:
        lines.append(
            _t(
                lang,
                "Påmindelser er sat på pause: intet sendes, før en administrator skriver "
                "»genoptag påmindelser«.",
                "Reminders are paused: nothing is sent until an admin writes »resume reminders«.",
            )
        )
    if preview.reminders:
        lines.append("")
        lines.append(_t(lang, "Det minder jeg om:", "What is due:"))
        lines.extend(f"- {r.title} ({r.target_day:%d.%m.%Y})" for r in preview.reminders)
    if preview.entries:
        lines.append("")
        lines.append(_t(lang, "Hvor:", "Where:"))
    for entry in preview.entries[:LINES_SHOWN]:
        titles = "; ".join(m.reminder.title for m in entry.digest.matches)
        count = len(entry.digest.matches)
        lines.append(f"- {_where(entry, lang)}: {count} – {titles}{_state(entry, lang)}")
    rest = len(preview.entries) - LINES_SHOWN
    if rest > 0:
        lines.append(_t(lang, f"… og {rest} samtaler mere.", f"… and {rest} more conversations."))
    if not preview.entries:
        lines.append(
            _t(
                lang,
                "Ingen samtale skal have noget den dag.",
                "No conversation gets anything that day.",
            )
        )
    return "\n".join(lines)


def summary_text(summary: FanOutSummary, lang: Language) -> str:
    if summary.paused:
        return _t(
            lang,
            "Påmindelser er sat på pause – intet er sendt. Skriv »genoptag påmindelser« først.",
            "Reminders are paused – nothing was sent. Write »resume reminders« first.",
        )
    text = _t(
        lang,
        f"Påmindelser for {_date(summary.day, lang)}: {summary.sent} kort sendt, "
        f"{summary.already_sent} allerede sendt, {summary.failed} fejlede (prøves igen), "
        f"{summary.gone} samtaler findes ikke længere.",
        f"Reminders for {_date(summary.day, lang)}: {summary.sent} cards sent, "
        f"{summary.already_sent} already sent, {summary.failed} failed (will be retried), "
        f"{summary.gone} conversations gone.",
    )
    if summary.in_progress:
        text += _t(
            lang,
            f" {summary.in_progress} kort sendes lige nu af en anden kørsel.",
            f" {summary.in_progress} cards are being sent right now by another run.",
        )
    if summary.retried:
        text += _t(
            lang,
            f" Heraf {summary.retried} kort fra tidligere dage, der fejlede.",
            f" Of these, {summary.retried} cards from earlier days that had failed.",
        )
    return text


def toggled_text(action: Action, changed: bool, lang: Language) -> str:
    if action == "pause":
        return (
            _t(
                lang,
                "Påmindelser er sat på pause. Intet sendes, før nogen skriver »genoptag påmindelser«.",
                "Reminders are paused. Nothing is sent until someone writes »resume reminders«.",
            )
            if changed
            else _t(
                lang, "Påmindelser var allerede sat på pause.", "Reminders were already paused."
            )
        )
    return (
        _t(
            lang,
            "Påmindelser er genoptaget; de sendes igen på det faste tidspunkt.",
            "Reminders are resumed; they go out at the usual time again.",
        )
        if changed
        else _t(lang, "Påmindelser var ikke sat på pause.", "Reminders were not paused.")
    )


def not_admin_text(lang: Language) -> str:
    return _t(
        lang,
        "Kun KOMBIT-administratorer kan styre påmindelserne.",
        "Only KOMBIT admins can manage reminders.",
    )


def sending_text(lang: Language) -> str:
    return _t(
        lang,
        "Sender dagens påmindelser nu – jeg skriver her, når det er gjort.",
        "Sending today's reminders now – I will write here when it is done.",
    )
