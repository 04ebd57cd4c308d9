"""Deadlines in a period, across KLIK tasks, agreements and programme-leader actions.

A fuzzy deadline counts when its range overlaps the period ("ultimo januar" is due "in
January" and possibly "in the last week of January"), and says so.
"""

from __future__ import annotations

import datetime as dt

from dialogs.answer import Answer
from dialogs.answers.common import Context, agreement_name, task_name, when
from dialogs.reply import Reply
from kombitbot.dates import FuzzyDate


def _due(value: FuzzyDate | None, start: dt.date, end: dt.date) -> bool:
    return value is not None and value.overlaps(start, end)


def _line(name: str, value: FuzzyDate, start: dt.date, end: dt.date, ctx: Context) -> str:
    text = f"{name} – {when(value, ctx.lang)}"
    if not value.is_exact and not (
        value.earliest and value.latest and start <= value.earliest and value.latest <= end
    ):
        text += ctx.t(" (kan falde i perioden)", " (may fall in the period)")
    return text


def deadlines(
    ctx: Context, start: dt.date, end: dt.date, label: str, municipality: str | None = None
) -> Reply:
    """Everything due between ``start`` and ``end`` (inclusive), earliest first."""
    items: list[tuple[dt.date, str, str]] = []  # (sort day, group, line)
    for task in ctx.snapshot.tasks.values():
        if _due(task.end, start, end) and task.end is not None:
            status = task.statuses.get(municipality or "")
            if status is not None and status.status == "completed":
                continue
            items.append(
                (
                    task.end.latest or end,
                    "task",
                    _line(task_name(task, ctx.snapshot), task.end, start, end, ctx),
                )
            )
    listed_tasks = {t.key for t in ctx.snapshot.tasks.values() if _due(t.end, start, end)}
    for agreement in ctx.snapshot.agreements.values():
        if agreement.related_task in listed_tasks:
            continue  # signed through that KLIK task, already listed above
        if _due(agreement.deadline, start, end) and agreement.deadline is not None:
            status = agreement.signatures.get(municipality or "")
            if status is not None and status.status == "signed":
                continue
            name = agreement_name(agreement, ctx.snapshot)
            items.append(
                (
                    agreement.deadline.latest or end,
                    "agreement",
                    _line(name, agreement.deadline, start, end, ctx),
                )
            )
    for action in ctx.snapshot.actions.values():
        if _due(action.deadline, start, end) and action.deadline is not None:
            items.append(
                (
                    action.deadline.latest or end,
                    "action",
                    _line(action.action, action.deadline, start, end, ctx),
                )
            )
    title = ctx.t(f"Frister {label}", f"Deadlines {label}")
    if municipality:
        title += f" – {municipality}"
    answer = Answer(title=title, lang=ctx.lang, limit=None if ctx.show_all else 15)
    items.sort()
    groups = {
        "task": ctx.t("KLIK-opgaver", "KLIK tasks"),
        "agreement": ctx.t("Aftaler til underskrift", "Agreements to sign"),
        "action": ctx.t("Opgaver fra programledermøder", "Tasks from programme-leader meetings"),
    }
    for group, group_title in groups.items():
        lines = [line for _day, g, line in items if g == group]
        if lines:
            answer.section(group_title, lines)
    if not items:
        newest = max(
            (t.end.latest for t in ctx.snapshot.tasks.values() if t.end and t.end.latest),
            default=None,
        )
        answer.intro = ctx.t(
            "Ingen kendte frister i perioden.", "No known deadlines in that period."
        )
        if newest is not None and newest < start:
            answer.notes.append(
                ctx.t(
                    f"Mine data rækker kun til {newest:%d.%m.%Y} – nyere frister står i KLIK.",
                    f"My data only reaches {newest:%d %b %Y} – newer deadlines are in KLIK.",
                )
            )
    if municipality:
        answer.notes.append(
            ctx.t(
                f"Udeladt: hvad {municipality} efter mine data allerede har fuldført eller underskrevet.",
                f"Left out: what {municipality} has already completed or signed according to my data.",
            )
        )
    return answer.reply()
