"""One message per conversation per day: all its due reminders as one Adaptive Card.

Several nudges a day in a channel of 98 programme leaders would be noise, so the reminders
one conversation gets on one day are grouped into a digest: frozen zones first (they affect
everybody and need action before they start), then deadlines by date. Every line is built
once as plain text and shown both on the card (escaped, so data shows as written) and in the
text fallback, so the two never disagree.

Buttons carry plain ``Action.Submit`` data that the bot's handler (issue #4, built
separately) validates; the shapes are :class:`DoneData`, :class:`SnoozeData` and
:class:`SeenData` below:

* ``{"kombitbot": "reminder_done", "item": "task" | "agreement", "key": "<key>"}`` – "Vi har
  underskrevet" (agreement) / "Markér som fuldført" (task): the clicking user reports their
  own municipality, through the usual confirmed self-service update.
* ``{"kombitbot": "reminder_snooze", "item": "task" | "agreement", "key": "<key>",
  "until": "YYYY-MM-DD"}`` – "Påmind mig igen mandag": remind again on that day (the next
  Monday; the button is left out when that is after the deadline).
* ``{"kombitbot": "reminder_seen", "item": "frozen_zone", "key": "<zone key>",
  "occasion": "14wd" | "2wd" | "start" | "end"}`` – "Set" on a frozen-zone notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, TypedDict

from babel.dates import format_date, format_timedelta

from dialogs.cards import Element, card, escape, heading, text_block
from dialogs.freshness import STALE_AFTER
from dialogs.reply import Language, Reply
from kombitbot.dates import Precision, render_fuzzy_date
from notifications.rules import AudienceMatch, DueReminder, ZoneWindow

__all__ = [
    "NAMES_SHOWN",
    "REMINDER_DONE",
    "REMINDER_SEEN",
    "REMINDER_SNOOZE",
    "DoneData",
    "SeenData",
    "SnoozeData",
    "build_digest",
    "precision_word",
    "snooze_until",
]

REMINDER_DONE: Final = "reminder_done"
REMINDER_SNOOZE: Final = "reminder_snooze"
REMINDER_SEEN: Final = "reminder_seen"

# Who still has it open is the point of a reminder, so all 98 fit; only a longer list is cut.
NAMES_SHOWN: Final = 100
# Without any status list, names are listed only for small audiences (a personal one).
_UNKNOWN_NAMES_SHOWN: Final = 10


class DoneData(TypedDict):
    kombitbot: Literal["reminder_done"]
    item: Literal["task", "agreement"]
    key: str


class SnoozeData(TypedDict):
    kombitbot: Literal["reminder_snooze"]
    item: Literal["task", "agreement"]
    key: str
    until: str  # ISO date


class SeenData(TypedDict):
    kombitbot: Literal["reminder_seen"]
    item: Literal["frozen_zone"]
    key: str
    occasion: str


_PRECISION: Final[dict[Precision, tuple[str, str]]] = {
    Precision.DAY: ("præcis dato", "exact date"),
    Precision.DAY_RANGE: ("en periode af dage", "a range of days"),
    Precision.PART_OF_MONTH: ("del af en måned", "part of a month"),
    Precision.WEEK: ("en uge", "a week"),
    Precision.WEEK_RANGE: ("flere uger", "several weeks"),
    Precision.MONTH: ("en måned", "a month"),
    Precision.MONTH_RANGE: ("flere måneder", "several months"),
    Precision.QUARTER: ("et kvartal", "a quarter"),
    Precision.HALF: ("et halvår", "a half-year"),
    Precision.SEASON: ("en årstid", "a season"),
    Precision.PART_OF_YEAR: ("del af et år", "part of a year"),
    Precision.YEAR: ("et år", "a year"),
    Precision.UNDECIDED: ("uafklaret", "undecided"),
    Precision.UNKNOWN: ("ukendt", "unknown"),
}


def precision_word(precision: Precision, lang: Language = "da") -> str:
    """How precise a date is, in words: "del af en måned" / "part of a month"."""
    da, en = _PRECISION[precision]
    return da if lang == "da" else en


def snooze_until(day: dt.date) -> dt.date:
    """The Monday after ``day`` ("påmind mig igen mandag"); the scheduler moves it past a
    holiday like any other reminder."""
    return day + dt.timedelta(days=7 - day.weekday())


@dataclass(slots=True)
class _Out:
    """Card elements and fallback lines, written together."""

    lang: Language
    body: list[Element] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def t(self, da: str, en: str) -> str:
        return da if self.lang == "da" else en


@dataclass(slots=True)
class _Item:
    """One reminder's container: a title, plain lines, optional bullets and buttons."""

    title: str
    lines: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    bullets_after: int = 0  # the bullets follow this many lines
    subtle: list[str] = field(default_factory=list)
    actions: list[Element] = field(default_factory=list)
    style: str = "emphasis"

    def render(self, out: _Out) -> None:
        items: list[Element] = [text_block(escape(self.title), weight="Bolder")]
        out.lines.append("")
        out.lines.append(self.title)
        for i, line in enumerate(self.lines):
            if i == self.bullets_after:
                self._render_bullets(items, out)
            items.append(text_block(escape(line), spacing="Small"))
            out.lines.append(line)
        if self.bullets_after >= len(self.lines):
            self._render_bullets(items, out)
        for line in self.subtle:
            items.append(text_block(escape(line), isSubtle=True, size="Small", spacing="Small"))
            out.lines.append(line)
        if self.actions:
            items.append({"type": "ActionSet", "actions": self.actions})
        out.body.append({"type": "Container", "style": self.style, "items": items})

    def _render_bullets(self, items: list[Element], out: _Out) -> None:
        if self.bullets:
            items.append(
                text_block("\n".join(f"- {escape(b)}" for b in self.bullets), spacing="Small")
            )
            out.lines.extend(f"- {b}" for b in self.bullets)


# --------------------------------------------------------------------------- words


def _day(day: dt.date, lang: Language) -> str:
    """ "fredag 5. december 2025" / "Friday 5 December 2025"."""
    return format_date(day, "EEEE d. MMMM y" if lang == "da" else "EEEE d MMMM y", locale=lang)


def _in_days(target: dt.date, day: dt.date, out: _Out) -> str:
    days = (target - day).days
    if days == 0:
        return out.t("i dag", "today")
    if days == 1:
        return out.t("i morgen", "tomorrow")
    return out.t(f"om {days} dage", f"in {days} days")


def _names(names: Sequence[str], out: _Out) -> str:
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names)
    rest = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + out.t(f" … og {rest} til", f" … and {rest} more")


def _status_age(reminder: DueReminder, day: dt.date, out: _Out) -> str | None:
    """ "Status opgjort 20.11.25 (5 dage siden)." with a warning when it is old."""
    if not reminder.status_as_of_raw:
        return None
    text = out.t(
        f"Status opgjort {reminder.status_as_of_raw}", f"Status as of {reminder.status_as_of_raw}"
    )
    as_of = reminder.status_as_of
    if as_of is None:
        return text + "."
    age = day - as_of
    if age.days <= 0:
        text += out.t(" (i dag)", " (today)")
    else:
        age_text = format_timedelta(age, granularity="day", threshold=1.1, locale=out.lang)
        text += out.t(f" ({age_text} siden)", f" ({age_text} ago)")
    if age > STALE_AFTER:
        text += out.t(
            " – kan være forældet; tjek KLIK for den aktuelle status",
            " – may be out of date; check KLIK for the current status",
        )
    return text + "."


def _zone_period(zone: ZoneWindow, out: _Out) -> str:
    first, last = _day(zone.first_day, out.lang), _day(zone.last_day, out.lang)
    if zone.exact:
        return out.t(f"Periode: {first} – {last}.", f"Period: {first} – {last}.")
    start = render_fuzzy_date(zone.start, out.lang)
    end = render_fuzzy_date(zone.end, out.lang) if zone.end is not None else start
    written = start if start == end else f"{start} – {end}"
    return out.t(
        f"Periode: {written}; de præcise dage kendes ikke (tidligst fra {first}, senest til {last}).",
        f"Period: {written}; the exact days are not known (from {first} at the earliest, until {last} at the latest).",
    )


def _kind(zone: ZoneWindow) -> str:
    return zone.kind[:1].upper() + zone.kind[1:]


# --------------------------------------------------------------------------- frozen zones


def _zone_item(reminder: DueReminder, zone: ZoneWindow, day: dt.date, out: _Out) -> _Item:
    kind, name = _kind(zone), zone.name
    occasion = reminder.occasion
    if occasion == "end":
        title = out.t(f"{kind} er slut: {name}", f"{kind} is over: {name}")
    elif occasion == "start":
        when = out.t("i dag", "today") if zone.first_day == day else _day(zone.first_day, out.lang)
        title = out.t(f"{kind} starter {when}: {name}", f"{kind} starts {when}: {name}")
    else:
        n = occasion.removesuffix("wd")
        title = out.t(f"{kind} om {n} arbejdsdage: {name}", f"{kind} in {n} working days: {name}")
    item = _Item(title, style="warning")
    item.lines.append(_zone_period(zone, out))
    if occasion == "end":
        item.lines.append(
            out.t(
                f"Sidste mulige dag i {zone.kind} var {_day(zone.last_day, 'da')}.",
                f"The last possible day of the {zone.kind} was {_day(zone.last_day, 'en')}.",
            )
        )
    else:
        if day <= zone.reports_before:
            reports = _day(zone.reports_before, out.lang)
            item.lines.append(
                out.t(
                    f"Træk rapporter før {zone.kind} starter – senest {reports}.",
                    f"Pull reports before the {zone.kind} starts – by {reports}.",
                )
            )
        if zone.blocked_actions:
            item.lines.append(
                out.t(
                    f"I {zone.kind} kan kommunen IKKE:",
                    f"During the {zone.kind} a municipality can NOT:",
                )
            )
            item.bullets = list(zone.blocked_actions)
            item.bullets_after = len(item.lines)
        else:
            item.lines.append(
                out.t(
                    "Kilden har ingen liste over, hvad der er lukket.",
                    "The source gives no list of what is closed.",
                )
            )
        if zone.closed_access:
            item.subtle.append(zone.closed_access.replace("; ", ". ").rstrip(".") + ".")
    item.subtle.append(out.t(f"Kilde: {zone.source}", f"Source: {zone.source}"))
    seen: SeenData = {
        "kombitbot": REMINDER_SEEN,
        "item": "frozen_zone",
        "key": zone.key,
        "occasion": occasion,
    }
    item.actions.append({"type": "Action.Submit", "title": out.t("Set", "Seen"), "data": seen})
    return item


# --------------------------------------------------------------------------- deadlines


def _deadline_line(reminder: DueReminder, out: _Out) -> str:
    target = _day(reminder.target_day, out.lang)
    deadline = reminder.deadline
    if deadline is None or not reminder.fuzzy:
        return out.t(f"Frist: {target} (præcis dato).", f"Deadline: {target} (exact date).")
    da_word, en_word = (
        precision_word(deadline.precision, "da"),
        precision_word(deadline.precision, "en"),
    )
    return out.t(
        f"Fristen er »{deadline.raw}« – senest {target}. Upræcis frist ({da_word}): "
        "påmindelsen regner med den senest mulige dag.",
        f"The deadline is »{deadline.raw}« – {target} at the latest. Imprecise deadline "
        f"({en_word}): the reminder counts from the latest possible day.",
    )


def _zone_warning(reminder: DueReminder, out: _Out) -> str | None:
    zones = reminder.inside_zones
    if not zones:
        return None
    certain = not reminder.fuzzy and all(z.exact for z in zones)
    names = "; ".join(
        f"{z.name} ({z.kind}, {z.first_day:%d.%m.%Y}–{z.last_day:%d.%m.%Y})" for z in zones
    )
    first = min(z.first_day for z in zones)
    reports = min(z.reports_before for z in zones)
    verb_da = "falder i" if certain else "kan falde i"
    verb_en = "falls in" if certain else "may fall in"
    return out.t(
        f"Advarsel: fristen {verb_da} en frozen zone – {names}. Nå det før {first:%d.%m.%Y} "
        f"(træk rapporter senest {reports:%d.%m.%Y}).",
        f"Warning: the deadline {verb_en} a frozen zone – {names}. Get it done before "
        f"{first:%d %b %Y} (pull reports by {reports:%d %b %Y}).",
    )


def _status_lines(match: AudienceMatch, out: _Out) -> list[str]:
    reminder = match.reminder
    lines: list[str] = []
    if match.missing:
        word = (
            out.t("Mangler underskrift", "Signature missing")
            if reminder.kind == "agreement"
            else out.t("Ikke fuldført", "Not completed")
        )
        lines.append(f"{word} ({len(match.missing)}): {_names(match.missing, out)}")
    unknown = match.unknown
    if unknown and reminder.has_status_list:
        lines.append(
            out.t(
                f"Status ukendt ({len(unknown)}): {_names(unknown, out)}",
                f"Status unknown ({len(unknown)}): {_names(unknown, out)}",
            )
        )
    elif unknown and len(unknown) > _UNKNOWN_NAMES_SHOWN:
        lines.append(
            out.t(
                f"Status ukendt for {len(unknown)} kommuner – der findes ingen liste pr. kommune.",
                f"Status unknown for {len(unknown)} municipalities – there is no list per municipality.",
            )
        )
    elif unknown:
        lines.append(
            out.t(
                f"Status ukendt (ingen liste pr. kommune): {_names(unknown, out)}",
                f"Status unknown (no list per municipality): {_names(unknown, out)}",
            )
        )
    counts = reminder.counts
    if counts is not None:
        parts = [
            (counts.completed, out.t("fuldført", "completed")),
            (counts.started, out.t("påbegyndt", "started")),
            (counts.not_started, out.t("ikke påbegyndt", "not started")),
        ]
        text = ", ".join(f"{n} {word}" for n, word in parts if n is not None)
        if text:
            lines.append(out.t(f"Seneste tal: {text}.", f"Latest figures: {text}."))
    return lines


def _deadline_item(match: AudienceMatch, day: dt.date, out: _Out) -> _Item:
    reminder = match.reminder
    kind_word = (
        out.t("Aftale", "Agreement")
        if reminder.kind == "agreement"
        else out.t("KLIK-opgave", "KLIK task")
    )
    item = _Item(f"{kind_word}: {reminder.title}")
    item.lines.append(_deadline_line(reminder, out))
    warning = _zone_warning(reminder, out)
    if warning:
        item.lines.append(warning)
    item.lines.extend(_status_lines(match, out))
    age = _status_age(reminder, day, out)
    if age:
        item.subtle.append(age)
    item.subtle.append(out.t(f"Kilde: {reminder.source}", f"Source: {reminder.source}"))
    if reminder.inside_zones:
        item.style = "attention"
    kind: Literal["task", "agreement"] = "agreement" if reminder.kind == "agreement" else "task"
    done: DoneData = {"kombitbot": REMINDER_DONE, "item": kind, "key": reminder.key}
    item.actions.append(
        {
            "type": "Action.Submit",
            "title": out.t("Vi har underskrevet", "We have signed")
            if kind == "agreement"
            else out.t("Markér som fuldført", "Mark as completed"),
            "data": done,
        }
    )
    until = snooze_until(day)
    if until <= reminder.target_day:
        snooze: SnoozeData = {
            "kombitbot": REMINDER_SNOOZE,
            "item": kind,
            "key": reminder.key,
            "until": until.isoformat(),
        }
        item.actions.append(
            {
                "type": "Action.Submit",
                "title": out.t("Påmind mig igen mandag", "Remind me again on Monday"),
                "data": snooze,
            }
        )
    return item


# --------------------------------------------------------------------------- the digest


def _group_title(text: str, out: _Out) -> None:
    out.body.append(text_block(escape(text), weight="Bolder", size="Medium", spacing="Large"))
    out.lines.append("")
    out.lines.append(text)


def build_digest(
    matches: Sequence[AudienceMatch],
    day: dt.date,
    *,
    lang: Language = "da",
    ics_url: str | None = None,
) -> Reply | None:
    """The one message for one conversation on ``day``; None when there is nothing to say.

    ``matches`` are the reminders as this conversation's subscription sees them (from
    :func:`notifications.rules.audience`); ``ics_url`` adds "Abonnér i Outlook".
    """
    if not matches:
        return None
    out = _Out(lang)
    title = out.t(f"Påmindelser – {_day(day, 'da')}", f"Reminders – {_day(day, 'en')}")
    out.body.append(heading(escape(title)))
    out.lines.append(title)

    zones = sorted(
        (m for m in matches if m.reminder.zone is not None),
        key=lambda m: (m.reminder.target_day, m.reminder.title.casefold(), m.reminder.key),
    )
    deadlines = sorted(
        (m for m in matches if m.reminder.zone is None),
        key=lambda m: (m.reminder.target_day, m.reminder.title.casefold(), m.reminder.key),
    )
    if zones:
        _group_title(out.t("Frozen zone", "Frozen zone"), out)
        for match in zones:
            assert match.reminder.zone is not None
            _zone_item(match.reminder, match.reminder.zone, day, out).render(out)
    current: dt.date | None = None
    if deadlines:
        intro = out.t(
            "Kun kommuner, der efter mine data ikke er færdige, er nævnt.",
            "Only municipalities that are not done according to my data are named.",
        )
        _group_title(out.t("Frister", "Deadlines"), out)
        out.body.append(text_block(escape(intro), isSubtle=True, spacing="Small"))
        out.lines.append(intro)
    for match in deadlines:
        target = match.reminder.target_day
        if target != current:
            current = target
            label = f"{_day(target, lang)} ({_in_days(target, day, out)})"
            label = label[:1].upper() + label[1:]
            out.body.append(text_block(escape(label), weight="Bolder", spacing="Medium"))
            out.lines.append("")
            out.lines.append(label)
        _deadline_item(match, day, out).render(out)

    actions: list[Element] = []
    if ics_url:
        subscribe = out.t("Abonnér i Outlook", "Subscribe in Outlook")
        actions.append({"type": "Action.OpenUrl", "title": subscribe, "url": ics_url})
        out.lines.append("")
        out.lines.append(f"{subscribe}: {ics_url}")
    fallback = "\n".join(out.lines).strip()
    return Reply(
        text=fallback,
        card=card(out.body, fallback_text=fallback, actions=actions or None),
        states_age=any(m.reminder.status_as_of_raw for m in deadlines),
    )
