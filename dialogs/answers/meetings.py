"""Programme-leader meetings: next and last, their agenda, and "opgaver for jer"."""

from __future__ import annotations

import datetime as dt

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


def meetings_in(ctx: Context, start: dt.date, end: dt.date) -> list[Meeting]:
    """The meetings whose (possibly fuzzy) date falls in ``start``–``end``, oldest first."""
    found = []
    for meeting in _dated(ctx):
        date = meeting.date
        if date is not None and date.earliest is not None:
            earliest, latest = date.earliest, date.latest or date.earliest
        else:  # an undated deck: the day its status was taken
            earliest = latest = meeting_day(meeting.key, ctx.snapshot) or dt.date.min
        if earliest <= end and latest >= start:
            found.append(meeting)
    return found


def meeting_in_period(
    ctx: Context, start: dt.date, end: dt.date, label: str, *, actions: bool = False
) -> Reply:
    """ "Mødet i marts 2024", "hvor mange deltog i mødet i maj 2023?": that meeting — its
    date, participants and agenda, or its tasks — or that none is known then."""
    found = meetings_in(ctx, start, end)
    if not found:
        answer = Answer(
            title=ctx.t(f"Møder {label}", f"Meetings {label}"), lang=ctx.lang, limit=None
        )
        known = ", ".join(
            m.label
            for m in sorted(ctx.snapshot.meetings.values(), key=lambda m: m.key)
            if m.is_deck
        )
        answer.intro = ctx.t(
            f"Jeg kender intet programledermøde {label}. Møder i mine data: {known}.",
            f"I know of no programme-leader meeting {label}. Meetings in my data: {known}.",
        )
        return answer.reply()
    meeting = next((m for m in found if m.is_deck), found[0])
    if actions:
        return meeting_actions(ctx, meeting)
    return _meeting_card(ctx, meeting, title=meeting.label, agenda=True)


def meeting_last(ctx: Context, *, agenda: bool = False) -> Reply:
    meeting = last_meeting(ctx)
    if meeting is None:
        answer = Answer(
            title=ctx.t("Seneste programledermøde", "Latest programme-leader meeting"),
            lang=ctx.lang,
        )
        answer.intro = ctx.t("Jeg kender ingen afholdte møder.", "I know of no meetings held.")
        return answer.reply()
    title = ctx.t("Seneste programledermøde", "Latest programme-leader meeting")
    return _meeting_card(ctx, meeting, title=title, agenda=agenda)


def _meeting_card(ctx: Context, meeting: Meeting, *, title: str, agenda: bool) -> Reply:
    answer = Answer(title=title, lang=ctx.lang, limit=None)
    answer.intro = f"{meeting.label} – {_when(meeting, ctx)}"
    if meeting.participants_count:
        answer.intro += ctx.t(
            f". Deltagere: {meeting.participants_count}",
            f". Participants: {meeting.participants_count}",
        )
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
    last = last_meeting(ctx)
    if last is not None and meeting.key == last.key:
        answer.buttons.append(
            (
                ctx.t("Opgaver fra mødet", "Tasks from the meeting"),
                ctx.t("opgaver fra sidste møde", "tasks from the last meeting"),
            )
        )
    answer.cite(meeting.source, ctx.snapshot.deck_labels)
    return answer.reply()


def meeting_actions(ctx: Context, meeting: Meeting | None = None) -> Reply:
    """ "Hvad er jeres opgaver fra sidste programledermøde?" (or from ``meeting``)."""
    title = (
        ctx.t("Opgaver for jer fra sidste møde", "Your tasks from the last meeting")
        if meeting is None
        else ctx.t(f"Opgaver for jer fra {meeting.label}", f"Your tasks from {meeting.label}")
    )
    meeting = meeting or last_meeting(ctx)
    answer = Answer(title=title, lang=ctx.lang, limit=None)
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


_VISIT_ORDER = {"besøgt": 0, "planlagt besøg": 1, "planlagt": 1}  # then interest shown


def visits(ctx: Context, municipality: str | None) -> Reply:
    """ "Hvornår besøgte KOMBIT Vejle?" / "hvilke kommuner har KOMBIT besøgt?": KOMBIT's visits
    to municipal management, as the slides list them (held, planned, interest shown)."""
    shown = [
        v for v in ctx.snapshot.visits if municipality is None or v.municipality == municipality
    ]
    title = (
        ctx.t(f"KOMBIT-besøg – {municipality}", f"KOMBIT visits – {municipality}")
        if municipality
        else ctx.t("KOMBITs kommunebesøg", "KOMBIT's visits to municipalities")
    )
    answer = Answer(title=title, lang=ctx.lang, limit=None if ctx.show_all else 10)
    if not shown:
        answer.intro = ctx.t(
            f"Jeg kender intet besøg hos {municipality} i mine data.",
            f"I know of no visit to {municipality} in my data.",
        )
        return answer.reply()
    by_status: dict[str, list[str]] = {}
    held_first = sorted(
        shown,
        key=lambda v: (
            _VISIT_ORDER.get(v.status.casefold(), len(_VISIT_ORDER)),
            v.date.earliest if v.date and v.date.earliest else dt.date.max,
        ),
    )
    for visit in held_first:
        when_text = when(visit.date, ctx.lang) if visit.date else ""
        if municipality is None:
            line = f"{visit.municipality} ({when_text})" if when_text else visit.municipality
        else:
            line = when_text or ctx.t("uden dato", "no date")
        by_status.setdefault(visit.status, []).append(line)
    if municipality:
        first = held_first[0]
        day = f" {when(first.date, ctx.lang)}" if first.date else ""
        if first.status.casefold() == "besøgt":
            answer.intro = ctx.t(
                f"KOMBIT besøgte {municipality}{day}.", f"KOMBIT visited {municipality}{day}."
            )
        else:
            answer.intro = ctx.t(
                f"Intet afholdt besøg hos {municipality} i mine data – status: {first.status}{day}.",
                f"No visit to {municipality} held in my data – status: {first.status}{day}.",
            )
    else:
        answer.intro = ctx.t(
            f"{len(shown)} kommunebesøg i mine data (KOMBIT hos de kommunale direktioner).",
            f"{len(shown)} municipal visits in my data (KOMBIT with the municipal management).",
        )
    for status, lines in by_status.items():
        answer.section(f"{status.capitalize()} ({len(lines)})", lines, inline=municipality is None)
    for visit in shown[:3]:
        answer.cite(visit.source, ctx.snapshot.deck_labels)
    return answer.reply()


def meeting_polls(ctx: Context, meeting: Meeting | None, label: str) -> Reply:
    """ "Hvilke afstemninger var der på mødet i september 2020?": the polls and evaluation
    questions a meeting's deck shows (asked through Mentimeter then), with their options."""
    title = ctx.t(f"Afstemninger – {label}", f"Polls – {label}")
    answer = Answer(title=title, lang=ctx.lang, limit=None if ctx.show_all else 10)
    if meeting is None:
        answer.intro = ctx.t(
            f"Jeg kender intet programledermøde {label}.",
            f"I know of no programme-leader meeting {label}.",
        )
        return answer.reply()
    polls = [p for p in ctx.snapshot.recorded_polls if p.meeting == meeting.key]
    answer.intro = f"{meeting.label} – {_when(meeting, ctx)}"
    if not polls:
        answer.notes.append(
            ctx.t(
                "Der står ingen afstemninger fra det møde i mine data.",
                "My data has no polls from that meeting.",
            )
        )
        return answer.reply()
    lines = []
    for poll in polls:
        what = f"{poll.question} – {poll.statement}" if poll.statement else poll.question
        options = f" ({poll.options})" if poll.options else ""
        lines.append(f"{what}{options}")
    answer.section(ctx.t(f"Spørgsmål ({len(lines)})", f"Questions ({len(lines)})"), lines)
    answer.cite(polls[0].source, ctx.snapshot.deck_labels)
    return answer.reply()


def meeting_for_polls(ctx: Context, start: dt.date | None, end: dt.date | None) -> Meeting | None:
    """The meeting a question about polls means: the deck in the period, else the last one
    that had polls."""
    if start is not None and end is not None:
        found = meetings_in(ctx, start, end)
        return next((m for m in found if m.is_deck), found[0] if found else None)
    with_polls = {p.meeting for p in ctx.snapshot.recorded_polls}
    held = [m for m in _dated(ctx) if m.key in with_polls]
    return held[-1] if held else None
