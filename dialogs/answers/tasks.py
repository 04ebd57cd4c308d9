"""KLIK tasks: details and status of one task, who has (not) completed it, tasks per project."""

from __future__ import annotations

from dialogs.answer import Answer
from dialogs.answers.common import (
    TASK_WORDS,
    Context,
    deadline_phrase,
    newest_first_key,
    sentence,
    shown_title,
    solution_code,
    status_date_note,
    status_word,
    task_name,
    when,
)
from dialogs.reply import Reply
from store.snapshot import Task


def _counts_line(task: Task, ctx: Context) -> list[str]:
    lines = []
    for counts in task.counts:
        parts = [
            (counts.completed, ctx.t("fuldført", "completed")),
            (counts.started, ctx.t("påbegyndt", "started")),
            (counts.not_started, ctx.t("ikke påbegyndt", "not started")),
        ]
        text = ", ".join(f"{n} {word}" for n, word in parts if n is not None)
        lines.append(
            f"{text} ({status_date_note(counts.status_as_of_raw, counts.status_as_of, ctx).rstrip('.')})"
        )
    return lines


def task_details(ctx: Context, task: Task) -> Reply:
    """ "status på ADG_0" / "hvad går A11 ud på?": what, when, who it targets, known status."""
    answer = Answer(title=task_name(task, ctx.snapshot), lang=ctx.lang)
    facts = []
    if task.start:
        facts.append(ctx.t(f"Start: {when(task.start, 'da')}", f"Start: {when(task.start, 'en')}"))
    facts.append(sentence(deadline_phrase(task.end, ctx)))
    if task.mandatory:
        facts.append(ctx.t("Obligatorisk", "Mandatory"))
    if task.target_role:
        facts.append(ctx.t(f"Målgruppe: {task.target_role}", f"For: {task.target_role}"))
    meeting = ctx.snapshot.meetings.get(task.meeting or "")
    if meeting:
        facts.append(ctx.t(f"Omtalt på: {meeting.label}", f"Presented at: {meeting.label}"))
    answer.section("", facts)
    if task.notes:
        answer.section(ctx.t("Noter", "Notes"), [task.notes])
    counts = _counts_line(task, ctx)
    if counts:
        answer.section(ctx.t("Status i kommunerne", "Status in the municipalities"), counts)
    if task.statuses:
        done = sum(1 for s in task.statuses.values() if s.status == "completed")
        answer.notes.append(
            ctx.t(
                f"Status pr. kommune kendes for {len(task.statuses)} kommuner; {done} har fuldført.",
                f"Status is known for {len(task.statuses)} municipalities; {done} have completed.",
            )
        )
    elif not counts:
        answer.notes.append(
            ctx.t(
                "Status pr. kommune kendes ikke (ingen tal i kilden) – se KLIK.",
                "The status per municipality is not known (the source gives none) – see KLIK.",
            )
        )
    answer.cite(task.source, ctx.snapshot.deck_labels)
    key = (task.project.casefold(), task.code.casefold(), task.title.casefold().strip())
    for other in ctx.snapshot.tasks.values():
        same = (other.project.casefold(), other.code.casefold(), other.title.casefold().strip())
        if other is not task and same == key and task.code:
            answer.cite(other.source, ctx.snapshot.deck_labels)  # announced there too
    return answer.reply()


def who_task(ctx: Context, task: Task) -> Reply:
    """ "hvem mangler K49?": per-municipality status where known, else the counts, honestly."""
    answer = Answer(
        title=task_name(task, ctx.snapshot), lang=ctx.lang, limit=None if ctx.show_all else 30
    )
    answer.intro = sentence(deadline_phrase(task.end, ctx)) + "."
    if task.statuses:
        groups: dict[str, list[str]] = {}
        for municipality, status in sorted(task.statuses.items()):
            groups.setdefault(status_word(status, TASK_WORDS, ctx.lang), []).append(municipality)
        for word in (TASK_WORDS["not_started"][ctx.lang], TASK_WORDS["started"][ctx.lang]):
            if word in groups:
                answer.section(f"{sentence(word)} ({len(groups[word])})", groups.pop(word))
        for word, names in groups.items():
            answer.notes.append(f"{sentence(word)}: {len(names)}")
        any_status = next(iter(task.statuses.values()))
        answer.notes.append(
            status_date_note(any_status.status_as_of_raw, any_status.status_as_of, ctx)
        )
        answer.cite(any_status.source, ctx.snapshot.deck_labels)
        return answer.reply()
    counts = _counts_line(task, ctx)
    answer.section(
        ctx.t("Status ukendt pr. kommune", "Status per municipality unknown"),
        counts,
        note=ctx.t(
            "Jeg har ingen liste over, hvilke kommuner der mangler – "
            + ("kun antallene ovenfor." if counts else "se KLIK for status."),
            "I have no list of which municipalities are missing – "
            + ("only the counts above." if counts else "see KLIK for the status."),
        ),
    )
    answer.cite(task.source, ctx.snapshot.deck_labels)
    return answer.reply()


def project_tasks(ctx: Context, solution: str) -> Reply:
    """ "hvilke KLIK-opgaver har SAPA?": newest first, with deadlines as precise as written."""
    tasks = [t for t in ctx.snapshot.tasks.values() if t.solution == solution]
    code = solution_code(solution, ctx.snapshot)
    answer = Answer(title=ctx.t(f"KLIK-opgaver – {code}", f"KLIK tasks – {code}"), lang=ctx.lang)
    if not tasks:
        answer.intro = ctx.t(
            f"Jeg kender ingen KLIK-opgaver for {code}.", f"I know of no KLIK tasks for {code}."
        )
        return answer.reply()
    by_meeting: dict[str, list[Task]] = {}
    for task in sorted(
        tasks, key=lambda t: newest_first_key(t.meeting, ctx.snapshot), reverse=True
    ):
        meeting = ctx.snapshot.meetings.get(task.meeting or "")
        by_meeting.setdefault(meeting.label if meeting else "", []).append(task)
    for label, group in by_meeting.items():
        answer.section(
            ctx.t(f"Fra {label}", f"From {label}") if label else "",
            [
                f"{(t.code + ' – ') if t.code else ''}{shown_title(t.title)} – {deadline_phrase(t.end, ctx)}"
                for t in group
            ],
        )
    for task in tasks:
        answer.cite(task.source, ctx.snapshot.deck_labels)
    return answer.reply()


def open_tasks(ctx: Context) -> list[Task]:
    """Tasks whose deadline has not passed (or is not yet fixed in the newest deck)."""
    return [
        t
        for t in ctx.snapshot.tasks.values()
        if t.end is not None and t.end.latest is not None and t.end.latest >= ctx.today
    ]


def municipality_tasks(ctx: Context, municipality: str) -> Reply:
    """A municipality's open KLIK tasks; its own status where known, else "status ukendt"."""
    answer = Answer(
        title=ctx.t(f"KLIK-opgaver – {municipality}", f"KLIK tasks – {municipality}"), lang=ctx.lang
    )
    tasks = sorted(
        open_tasks(ctx), key=lambda t: t.end.latest if t.end and t.end.latest else ctx.today
    )
    not_done = []
    done = []
    for task in tasks:
        status = task.statuses.get(municipality)
        line = f"{task_name(task, ctx.snapshot)} – {deadline_phrase(task.end, ctx)}"
        if status is not None and status.status == "completed":
            done.append(line)
        else:
            word = (
                status_word(status, TASK_WORDS, ctx.lang)
                if status
                else TASK_WORDS["unknown"][ctx.lang]
            )
            not_done.append(f"{line} ({word})")
    if not tasks:
        answer.intro = ctx.t(
            "Ingen KLIK-opgaver i mine data har en frist, der ikke er overskredet.",
            "No KLIK task in my data has a deadline that has not passed.",
        )
    answer.section(ctx.t("Åbne opgaver", "Open tasks"), not_done)
    if done:
        answer.section(ctx.t("Fuldført", "Completed"), done)
    if tasks and all(municipality not in t.statuses for t in tasks):
        answer.notes.append(
            ctx.t(
                f"Jeg kender ikke {municipality}s egen status på opgaverne – se KLIK.",
                f"I do not know {municipality}'s own status on these tasks – see KLIK.",
            )
        )
    return answer.reply()
