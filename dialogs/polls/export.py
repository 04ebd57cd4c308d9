"""A poll's results as CSV and XLSX (pure): counts for every poll, names only for named ones."""

from __future__ import annotations

import csv
import datetime as dt
import io

from dialogs.polls.cards import mean_score, percent
from store.polls import NamedVote, PollView

Row = list[str | int | float]

COUNT_HEADER: Row = ["spørgsmål", "svarmulighed", "stemmer", "procent", "besvarelser"]
VOTE_HEADER: Row = ["navn", "aad_object_id", "spørgsmål", "svar", "tidspunkt"]


def count_rows(poll: PollView) -> list[Row]:
    rows: list[Row] = [COUNT_HEADER]
    for question in poll.questions:
        for option in question.options:
            rows.append(
                [
                    question.text,
                    option.label,
                    option.votes,
                    percent(option.votes, question.answered),
                    question.answered,
                ]
            )
        if poll.kind in ("evaluation", "rating") and (mean := mean_score(question)):
            rows.append([question.text, "gennemsnit (1–5)", round(mean[0], 2), "", mean[1]])
    return rows


def vote_rows(votes: list[NamedVote], tz: dt.tzinfo) -> list[Row]:
    rows: list[Row] = [VOTE_HEADER]
    for vote in votes:
        when = vote.voted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if vote.voted_at else ""
        rows.append(
            [
                vote.voter_name,
                vote.voter_aad_object_id,
                vote.question,
                "; ".join(vote.choices),
                when,
            ]
        )
    return rows


def _about(poll: PollView, tz: dt.tzinfo) -> list[Row]:
    state = "lukket" if poll.closed_at else "åben"
    return [
        ["afstemning", poll.title],
        ["oprettet", poll.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")],
        ["status", state],
        ["har stemt", poll.voters],
        ["anonym", "ja" if poll.anonymous else "nej"],
    ]


def _safe(value: str | int | float) -> str | int | float:
    """Keep a spreadsheet from running text as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(poll: PollView, votes: list[NamedVote], tz: dt.tzinfo) -> bytes:
    """UTF-8 with BOM and semicolons, as Danish Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in [*_about(poll, tz), [], *count_rows(poll)]:
        writer.writerow([_safe(v) for v in row])
    if not poll.anonymous:
        writer.writerow([])
        for row in vote_rows(votes, tz):
            writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(poll: PollView, votes: list[NamedVote], tz: dt.tzinfo) -> bytes:
    """One sheet of counts ("Resultater"), and for named polls one of votes ("Stemmer")."""
    from openpyxl import Workbook  # only when an export is made: keeps start-up lean

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Resultater"
    for row in [*_about(poll, tz), [], *count_rows(poll)]:
        sheet.append([_safe(v) for v in row])
    if not poll.anonymous:
        named = book.create_sheet("Stemmer")
        for row in vote_rows(votes, tz):
            named.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
