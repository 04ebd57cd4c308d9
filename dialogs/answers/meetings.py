"""Programme-leader meetings: next and last, their agenda, and "opgaver for jer"."""

from __future__ import annotations

from dialogs.answer import Answer
from dialogs.answers.common import Context, deadline_phrase, meeting_day, when
from dialogs.reply import Reply
from store.snapshot import Meeting


def _dated(ctx: Context) -> list[Meeting]:
    meetings = [m for m in ctx.snapshot.meetings.values() if meeting_day(m.key, ctx.snapshot)]
    return sorted(meetings, key=lambda m: meeting_day(m.key, ctx.snapshot) or ctx.today)


def _when(meeting: Meeting, ctx: Context) -> str:
    if meeting.date is not None:
        return when(meeting.date, ctx.lang)
    return ctx.t(f"udateret ({meeting.date_basis})", f"undated ({meeting.date_basis})")


def last_meeting(ctx: Context) -> Meeting | None:
    decks = [
        m
        for m in _dated(ctx)
        if m.is_deck and (meeting_day(m.key, ctx.snapshot) or ctx.today) <= ctx.today
    ]
    return decks[-1] if decks else None


def meeting_next(ctx: Context) -> Reply:
    upcoming = [
        m for m in _dated(ctx) if (meeting_day(m.key, ctx.snapshot) or ctx.today) >= ctx.today
    ]
    answer = Answer(
        title=ctx.t("Næste programledermøde", "Next programme-leader meeting"), lang=ctx.lang
    )
    if upcoming:
        meeting = upcoming[0]
        answer.intro = f"{meeting.label} – {_when(meeting, ctx)}"
        answer.cite(meeting.source, ctx.snapshot.deck_labels)
    else:
        answer.intro = ctx.t(
            "Jeg kender ingen kommende programledermøder – mødeplanen står ikke i mine data.",
            "I know of no upcoming programme-leader meeting – the schedule is not in my data.",
        )
        last = last_meeting(ctx)
        if last:
            answer.notes.append(
                ctx.t(
                    f"Seneste møde i mine data: {last.label}.",
                    f"Latest meeting in my data: {last.label}.",
                )
            )
    answer.notes.append(
        ctx.t(
            "Spørgsmål og emner: programleder@kombit.dk.",
            "Questions and topics: programleder@kombit.dk.",
        )
    )
    return answer.reply()


def meeting_last(ctx: Context, *, agenda: bool = False) -> Reply:
    meeting = last_meeting(ctx)
    answer = Answer(
        title=ctx.t("Seneste programledermøde", "Latest programme-leader meeting"),
        lang=ctx.lang,
        limit=None,
    )
    if meeting is None:
        answer.intro = ctx.t("Jeg kender ingen afholdte møder.", "I know of no meetings held.")
        return answer.reply()
    answer.intro = f"{meeting.label} – {_when(meeting, ctx)}"
    items = [
        " ".join(part for part in (time, title, f"({who})" if who else "") if part)
        for time, title, who in meeting.agenda
    ]
    if items:
        answer.section(ctx.t("Dagsorden", "Agenda"), items)
    elif agenda:
        answer.notes.append(
            ctx.t("Dagsordenen står ikke i mine data.", "The agenda is not in my data.")
        )
    answer.buttons.append(
        (
            ctx.t("Opgaver fra mødet", "Tasks from the meeting"),
            ctx.t("opgaver fra sidste møde", "tasks from the last meeting"),
        )
    )
    answer.cite(meeting.source, ctx.snapshot.deck_labels)
    return answer.reply()


def meeting_actions(ctx: Context) -> Reply:
    """ "Hvad er jeres opgaver fra sidste programledermøde?"."""
    meeting = last_meeting(ctx)
    answer = Answer(
        title=ctx.t("Opgaver for jer fra sidste møde", "Your tasks from the last meeting"),
        lang=ctx.lang,
        limit=None,
    )
    if meeting is None:
        answer.intro = ctx.t("Jeg kender ingen afholdte møder.", "I know of no meetings held.")
        return answer.reply()
    actions = [a for a in ctx.snapshot.actions.values() if a.meeting == meeting.key]
    answer.intro = meeting.label
    if not actions:
        answer.notes.append(
            ctx.t(
                "Mødet gav ingen opgaver til programlederne.",
                "The meeting gave the programme leaders no tasks.",
            )
        )
    by_topic: dict[str, list[str]] = {}
    for action in actions:
        line = action.action
        if action.deadline:
            line += f" – {deadline_phrase(action.deadline, ctx)}"
        by_topic.setdefault(action.topic, []).append(line)
    for topic, lines in by_topic.items():
        answer.section(topic, lines)
    for action in actions:
        answer.cite(action.source, ctx.snapshot.deck_labels)
    return answer.reply()
