"""Time expressions in chat questions: which days the user means, and where they said it.

The table is the specification: every supported form, Danish and English, with "today" fixed
at days that make the rules visible — an ordinary Tuesday, the Monday that starts ISO week 1
of 2026 while the calendar year is still 2025, Christmas Eve, a Friday (so "på fredag" is a
week away) and a Sunday that is also the day summer time starts (irrelevant for dates, but a
classic place for date code to go wrong).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.timeexpr import Period, PeriodKind, _fold, _fold_by_char, find_period

TUE = date(2025, 11, 25)  # ISO week 48 (24–30 November 2025)
MON = date(2025, 12, 29)  # ISO week 1 of 2026
XMAS_EVE = date(2025, 12, 24)  # Wednesday
FRI = date(2026, 1, 2)
SUN_DST = date(2026, 3, 29)  # ISO week 13; clocks go forward in Copenhagen


def d(text: str) -> date:
    return date.fromisoformat(text)


# (today, text, first day, last day)
CASES: list[tuple[date, str, str, str]] = [
    # --- Danish, ordinary Tuesday
    (TUE, "i dag", "2025-11-25", "2025-11-25"),
    (TUE, "idag", "2025-11-25", "2025-11-25"),
    (TUE, "i morgen", "2025-11-26", "2025-11-26"),
    (TUE, "i overmorgen", "2025-11-27", "2025-11-27"),
    (TUE, "i går", "2025-11-24", "2025-11-24"),
    (TUE, "i forgårs", "2025-11-23", "2025-11-23"),
    (TUE, "denne uge", "2025-11-24", "2025-11-30"),  # the whole ISO week, not from today
    (TUE, "i denne uge", "2025-11-24", "2025-11-30"),
    (TUE, "den her uge", "2025-11-24", "2025-11-30"),
    (TUE, "næste uge", "2025-12-01", "2025-12-07"),
    (TUE, "i næste uge", "2025-12-01", "2025-12-07"),
    (TUE, "sidste uge", "2025-11-17", "2025-11-23"),
    (TUE, "uge 49", "2025-12-01", "2025-12-07"),
    (TUE, "uge 49 2025", "2025-12-01", "2025-12-07"),
    (TUE, "uge 48", "2025-11-24", "2025-11-30"),  # the current week has not ended
    (TUE, "uge 47", "2026-11-16", "2026-11-22"),  # ended last Sunday: next year's
    (TUE, "i uge 2", "2026-01-05", "2026-01-11"),
    (TUE, "uge 53", "2026-12-28", "2027-01-03"),  # 2025 has no week 53; 2026 has
    (TUE, "uge 50-2", "2025-12-08", "2026-01-11"),
    (TUE, "uge 2 næste år", "2026-01-05", "2026-01-11"),
    (TUE, "resten af ugen", "2025-11-25", "2025-11-30"),
    (TUE, "denne måned", "2025-11-01", "2025-11-30"),
    (TUE, "næste måned", "2025-12-01", "2025-12-31"),
    (TUE, "sidste måned", "2025-10-01", "2025-10-31"),
    (TUE, "resten af måneden", "2025-11-25", "2025-11-30"),
    (TUE, "i december", "2025-12-01", "2025-12-31"),
    (TUE, "i december 2025", "2025-12-01", "2025-12-31"),
    (TUE, "december 2025", "2025-12-01", "2025-12-31"),
    (TUE, "dec 2025", "2025-12-01", "2025-12-31"),
    (TUE, "dec. 2025", "2025-12-01", "2025-12-31"),
    (TUE, "dec-25", "2025-12-01", "2025-12-31"),  # as on the slides
    (TUE, "i januar", "2026-01-01", "2026-01-31"),  # next occurrence …
    (TUE, "i november", "2025-11-01", "2025-11-30"),  # … counting the current month
    (TUE, "i oktober", "2026-10-01", "2026-10-31"),
    (TUE, "i januar næste år", "2026-01-01", "2026-01-31"),
    (TUE, "i løbet af marts", "2026-03-01", "2026-03-31"),
    (TUE, "primo december", "2025-12-01", "2025-12-10"),
    (TUE, "medio januar 2026", "2026-01-11", "2026-01-20"),
    (TUE, "ultimo februar", "2026-02-21", "2026-02-28"),
    (TUE, "i slutningen af december", "2025-12-21", "2025-12-31"),
    (TUE, "før december", "2025-11-25", "2025-11-30"),
    (TUE, "inden februar", "2025-11-25", "2026-01-31"),
    (TUE, "inden udgangen af december", "2025-11-25", "2025-12-31"),
    (TUE, "de næste 14 dage", "2025-11-25", "2025-12-08"),
    (TUE, "i de næste 14 dage", "2025-11-25", "2025-12-08"),
    (TUE, "inden for de næste 3 uger", "2025-11-25", "2025-12-15"),
    (TUE, "indenfor de næste 3 uger", "2025-11-25", "2025-12-15"),
    (TUE, "næste 2 uger", "2025-11-25", "2025-12-08"),
    (TUE, "de næste to uger", "2025-11-25", "2025-12-08"),
    (TUE, "de kommende 10 dage", "2025-11-25", "2025-12-04"),
    (TUE, "inden for en uge", "2025-11-25", "2025-12-01"),
    (TUE, "de næste 2 måneder", "2025-11-25", "2026-01-24"),
    (TUE, "de sidste 14 dage", "2025-11-12", "2025-11-25"),
    (TUE, "de seneste 2 uger", "2025-11-12", "2025-11-25"),
    (TUE, "før jul", "2025-11-25", "2025-12-23"),
    (TUE, "inden jul", "2025-11-25", "2025-12-23"),
    (TUE, "til jul", "2025-11-25", "2025-12-23"),
    (TUE, "inden nytår", "2025-11-25", "2025-12-31"),
    (TUE, "før nytår", "2025-11-25", "2025-12-31"),
    (TUE, "inden fredag", "2025-11-25", "2025-11-28"),
    (TUE, "til fredag", "2025-11-25", "2025-11-28"),
    (TUE, "senest fredag", "2025-11-25", "2025-11-28"),
    (TUE, "senest på fredag", "2025-11-25", "2025-11-28"),
    (TUE, "inden mandag", "2025-11-25", "2025-12-01"),
    (TUE, "på fredag", "2025-11-28", "2025-11-28"),
    (TUE, "på tirsdag", "2025-12-02", "2025-12-02"),  # said on a Tuesday: next week's
    (TUE, "næste fredag", "2025-11-28", "2025-11-28"),  # the coming one (label shows it)
    (TUE, "i fredags", "2025-11-21", "2025-11-21"),
    (TUE, "i mandags", "2025-11-24", "2025-11-24"),
    (TUE, "i weekenden", "2025-11-29", "2025-11-30"),
    (TUE, "sidste weekend", "2025-11-22", "2025-11-23"),
    (TUE, "inden weekenden", "2025-11-25", "2025-11-28"),
    (TUE, "i år", "2025-01-01", "2025-12-31"),
    (TUE, "næste år", "2026-01-01", "2026-12-31"),
    (TUE, "sidste år", "2024-01-01", "2024-12-31"),
    (TUE, "i 2026", "2026-01-01", "2026-12-31"),
    (TUE, "resten af året", "2025-11-25", "2025-12-31"),
    (TUE, "Q1", "2026-01-01", "2026-03-31"),  # next occurrence …
    (TUE, "Q4", "2025-10-01", "2025-12-31"),  # … counting the current quarter
    (TUE, "i Q2 2026", "2026-04-01", "2026-06-30"),
    (TUE, "1. kvartal 2026", "2026-01-01", "2026-03-31"),
    (TUE, "første kvartal", "2026-01-01", "2026-03-31"),
    (TUE, "dette kvartal", "2025-10-01", "2025-12-31"),
    (TUE, "næste kvartal", "2026-01-01", "2026-03-31"),
    (TUE, "H2 '25", "2025-07-01", "2025-12-31"),
    (TUE, "1. halvår 2026", "2026-01-01", "2026-06-30"),
    (TUE, "den 15. december", "2025-12-15", "2025-12-15"),
    (TUE, "den 20. november", "2025-11-20", "2025-11-20"),  # nearest: just passed
    (TUE, "15.12.2025", "2025-12-15", "2025-12-15"),
    (TUE, "inden 1/12", "2025-11-25", "2025-12-01"),
    (TUE, "senest 15. december", "2025-11-25", "2025-12-15"),
    # --- English, ordinary Tuesday
    (TUE, "today", "2025-11-25", "2025-11-25"),
    (TUE, "tomorrow", "2025-11-26", "2025-11-26"),
    (TUE, "the day after tomorrow", "2025-11-27", "2025-11-27"),
    (TUE, "yesterday", "2025-11-24", "2025-11-24"),
    (TUE, "this week", "2025-11-24", "2025-11-30"),
    (TUE, "next week", "2025-12-01", "2025-12-07"),
    (TUE, "last week", "2025-11-17", "2025-11-23"),
    (TUE, "week 49", "2025-12-01", "2025-12-07"),
    (TUE, "in week 49 2025", "2025-12-01", "2025-12-07"),
    (TUE, "the rest of the week", "2025-11-25", "2025-11-30"),
    (TUE, "this month", "2025-11-01", "2025-11-30"),
    (TUE, "next month", "2025-12-01", "2025-12-31"),
    (TUE, "in December", "2025-12-01", "2025-12-31"),
    (TUE, "in December 2025", "2025-12-01", "2025-12-31"),
    (TUE, "December 2025", "2025-12-01", "2025-12-31"),
    (TUE, "in May", "2026-05-01", "2026-05-31"),
    (TUE, "mid-January", "2026-01-11", "2026-01-20"),
    (TUE, "by the end of December", "2025-11-25", "2025-12-31"),
    (TUE, "the next 14 days", "2025-11-25", "2025-12-08"),
    (TUE, "within the next 3 weeks", "2025-11-25", "2025-12-15"),
    (TUE, "next 2 weeks", "2025-11-25", "2025-12-08"),
    (TUE, "within a week", "2025-11-25", "2025-12-01"),
    (TUE, "the past 2 weeks", "2025-11-12", "2025-11-25"),
    (TUE, "by Friday", "2025-11-25", "2025-11-28"),
    (TUE, "before Friday", "2025-11-25", "2025-11-28"),
    (TUE, "on Friday", "2025-11-28", "2025-11-28"),
    (TUE, "last Friday", "2025-11-21", "2025-11-21"),
    (TUE, "this weekend", "2025-11-29", "2025-11-30"),
    (TUE, "before Christmas", "2025-11-25", "2025-12-23"),
    (TUE, "by Christmas", "2025-11-25", "2025-12-23"),
    (TUE, "before new year", "2025-11-25", "2025-12-31"),
    (TUE, "before the new year", "2025-11-25", "2025-12-31"),
    (TUE, "this year", "2025-01-01", "2025-12-31"),
    (TUE, "next year", "2026-01-01", "2026-12-31"),
    (TUE, "the rest of the year", "2025-11-25", "2025-12-31"),
    (TUE, "Q1 2026", "2026-01-01", "2026-03-31"),
    (TUE, "the first quarter of 2026", "2026-01-01", "2026-03-31"),
    (TUE, "next quarter", "2026-01-01", "2026-03-31"),
    (TUE, "the second half of 2026", "2026-07-01", "2026-12-31"),
    (TUE, "on 15 December", "2025-12-15", "2025-12-15"),
    (TUE, "by December 15th", "2025-11-25", "2025-12-15"),
    # --- Monday 29 December 2025: calendar year 2025, ISO week 1 of 2026
    (MON, "denne uge", "2025-12-29", "2026-01-04"),
    (MON, "this week", "2025-12-29", "2026-01-04"),
    (MON, "næste uge", "2026-01-05", "2026-01-11"),
    (MON, "sidste uge", "2025-12-22", "2025-12-28"),
    (MON, "uge 1", "2025-12-29", "2026-01-04"),
    (MON, "uge 2", "2026-01-05", "2026-01-11"),
    (MON, "uge 52", "2026-12-21", "2026-12-27"),  # week 52 of 2025 ended yesterday
    (MON, "uge 52 2025", "2025-12-22", "2025-12-28"),
    (MON, "uge 1 2026", "2025-12-29", "2026-01-04"),
    (MON, "i morgen", "2025-12-30", "2025-12-30"),
    (MON, "i går", "2025-12-28", "2025-12-28"),
    (MON, "denne måned", "2025-12-01", "2025-12-31"),
    (MON, "næste måned", "2026-01-01", "2026-01-31"),
    (MON, "i december", "2025-12-01", "2025-12-31"),
    (MON, "i januar", "2026-01-01", "2026-01-31"),
    (MON, "de næste 14 dage", "2025-12-29", "2026-01-11"),
    (MON, "før jul", "2025-12-29", "2026-12-23"),  # after Christmas: next year's
    (MON, "inden nytår", "2025-12-29", "2025-12-31"),
    (MON, "before new year", "2025-12-29", "2025-12-31"),
    (MON, "på fredag", "2026-01-02", "2026-01-02"),
    (MON, "i weekenden", "2026-01-03", "2026-01-04"),
    (MON, "i år", "2025-01-01", "2025-12-31"),  # the calendar year, not the ISO year
    (MON, "næste år", "2026-01-01", "2026-12-31"),
    (MON, "resten af året", "2025-12-29", "2025-12-31"),
    (MON, "Q1", "2026-01-01", "2026-03-31"),
    (MON, "Q4", "2025-10-01", "2025-12-31"),
    (MON, "next quarter", "2026-01-01", "2026-03-31"),
    # --- Christmas Eve: "before Christmas" is next year's
    (XMAS_EVE, "før jul", "2025-12-24", "2026-12-23"),
    (XMAS_EVE, "before Christmas", "2025-12-24", "2026-12-23"),
    (XMAS_EVE, "før nytår", "2025-12-24", "2025-12-31"),
    (XMAS_EVE, "i dag", "2025-12-24", "2025-12-24"),
    # --- a Friday: the coming Friday is a week away, the last one a week ago
    (FRI, "på fredag", "2026-01-09", "2026-01-09"),
    (FRI, "inden fredag", "2026-01-02", "2026-01-09"),
    (FRI, "i fredags", "2025-12-26", "2025-12-26"),
    (FRI, "i weekenden", "2026-01-03", "2026-01-04"),
    (FRI, "inden weekenden", "2026-01-02", "2026-01-02"),
    # --- a Sunday, and the day summer time starts
    (SUN_DST, "denne uge", "2026-03-23", "2026-03-29"),
    (SUN_DST, "uge 13", "2026-03-23", "2026-03-29"),  # ends today: still this year's
    (SUN_DST, "uge 12", "2027-03-22", "2027-03-28"),
    (SUN_DST, "næste uge", "2026-03-30", "2026-04-05"),
    (SUN_DST, "i weekenden", "2026-03-28", "2026-03-29"),
    (SUN_DST, "sidste weekend", "2026-03-21", "2026-03-22"),
    (SUN_DST, "inden weekenden", "2026-03-29", "2026-04-03"),
    (SUN_DST, "resten af ugen", "2026-03-29", "2026-03-29"),
    (SUN_DST, "i morgen", "2026-03-30", "2026-03-30"),
    (SUN_DST, "på fredag", "2026-04-03", "2026-04-03"),
    (SUN_DST, "inden fredag", "2026-03-29", "2026-04-03"),
    (SUN_DST, "i fredags", "2026-03-27", "2026-03-27"),
    (SUN_DST, "i marts", "2026-03-01", "2026-03-31"),
    (SUN_DST, "i februar", "2027-02-01", "2027-02-28"),
    (SUN_DST, "Q1", "2026-01-01", "2026-03-31"),
    (SUN_DST, "de næste 2 måneder", "2026-03-29", "2026-05-28"),
    (SUN_DST, "før jul", "2026-03-29", "2026-12-23"),
]


@pytest.mark.parametrize(
    ("today", "text", "start", "end"), CASES, ids=[f"{t}:{s}" for t, s, _, _ in CASES]
)
def test_period(today: date, text: str, start: str, end: str) -> None:
    period = find_period(text, today)
    assert period is not None, text
    assert (period.start, period.end) == (d(start), d(end))
    assert period.span == (0, len(text))
    assert period.text == text


# Any case, and Danish letters written without diacritics as the keyboard allows.
VARIANTS: list[tuple[str, str]] = [
    ("I DAG", "i dag"),
    ("Næste Uge", "næste uge"),
    ("naeste uge", "næste uge"),
    ("naste uge", "næste uge"),
    ("NÆSTE MÅNED", "næste måned"),
    ("naeste maaned", "næste måned"),
    ("naste maned", "næste måned"),
    ("i gaar", "i går"),
    ("i gar", "i går"),
    ("foer jul", "før jul"),
    ("for jul", "før jul"),
    ("inden nytaar", "inden nytår"),
    ("pa fredag", "på fredag"),
    ("paa fredag", "på fredag"),
    ("resten af aaret", "resten af året"),
    ("i aar", "i år"),
    ("Uge 49", "uge 49"),
    ("THIS WEEK", "this week"),
    ("In December", "in december"),
    ("q1 2026", "Q1 2026"),
    ("i lordags", "i lørdags"),
    ("inden for de naeste 3 uger", "inden for de næste 3 uger"),
    ("uge 49 – 51", "uge 49-51"),  # en dash as typed on a phone
]


@pytest.mark.parametrize(("typed", "canonical"), VARIANTS)
def test_case_and_diacritics_do_not_matter(typed: str, canonical: str) -> None:
    got, want = find_period(typed, TUE), find_period(canonical, TUE)
    assert got is not None and want is not None
    assert (got.start, got.end) == (want.start, want.end)
    assert got.text == typed


def test_decomposed_letters_keep_spans_on_the_original_text() -> None:
    text = "hvad skete der i ga\u030ar?"  # "å" as a + combining ring (macOS input)
    period = find_period(text, TUE)
    assert period is not None
    assert period.start == d("2025-11-24")
    assert period.text == "i ga\u030ar"
    assert text[period.span[0] : period.span[1]] == period.text


# (message, the expression the caller should cut out)
SPANS: list[tuple[str, str]] = [
    ("Hvilke KLIK-opgaver har deadline i denne uge?", "i denne uge"),
    ("hvad skal vi nå før jul?", "før jul"),
    ("Hvem mangler K49 inden fredag?", "inden fredag"),
    ("aftaler med frist i december 2025 for Vejle", "i december 2025"),
    ("status på ADG_0 de næste 14 dage", "de næste 14 dage"),
    ("KLIK-opgaver inden for de næste 3 uger, tak", "inden for de næste 3 uger"),
    ("Which tasks are due next week, please?", "next week"),
    ("agreements Vejle must sign by Friday", "by Friday"),
    ("what happens in Q1 2026?", "in Q1 2026"),
    ("opgaver i uge 49 for SAPA", "i uge 49"),
    ("deadlines i januar næste år", "i januar næste år"),
    ("møde på fredag den 28. november kl. 10", "på fredag den 28. november"),
    ("svar inden fredag den 28. november, tak", "inden fredag den 28. november"),
    ("sign on Friday, 28 November", "on Friday, 28 November"),
]


@pytest.mark.parametrize(("message", "expression"), SPANS)
def test_span_points_at_the_expression(message: str, expression: str) -> None:
    period = find_period(message, TUE)
    assert period is not None
    first = message.index(expression)
    assert period.span == (first, first + len(expression))
    assert period.text == expression


def test_the_first_expression_wins_and_the_longest_at_that_place() -> None:
    both = find_period("i dag eller i morgen", TUE)
    assert both is not None and both.text == "i dag"
    longest = find_period("frist i december 2025", TUE)
    assert longest is not None and longest.text == "i december 2025"
    rolling = find_period("inden for de næste 3 uger", TUE)
    assert rolling is not None and rolling.text == "inden for de næste 3 uger"


def test_an_impossible_expression_is_not_read_as_a_shorter_one() -> None:
    # "december 1999" alone is a period, but the user asked for the time before it.
    assert find_period("opgaver før december 1999", TUE) is None
    assert find_period("inden 1. januar 2020", TUE) is None
    after = find_period("uge 54 eller uge 49", TUE)
    assert after is not None and after.text == "uge 49"


NOT_PERIODS: list[str] = [
    "",
    "hvem mangler K49?",
    "status på ADG_0",
    "bølge B3",
    "03",
    "opgave 03 og A11",
    "uge",
    "hvilke opgaver har uge-deadlines",
    "Hvilke aftaler mangler Vejle at underskrive?",
    "Hvornår er næste frozen zone, og hvad kan vi ikke i den periode?",
    "Hvad er jeres opgaver fra sidste programledermøde?",
    "Er du enig i, at det vil skabe værdi for kommunen?",
    "version 1.2 er ude",
    "1/2 af kommunerne",
    "H2",  # without a year a half-year looks like any code
    "december",  # a month alone is a word, not a question about the month
    "hvad sker der i jul?",  # "jul" is Christmas, never July
    "some tasks 1 may need",
    "uge 54",
    "uge 0",
    "Q5",
    "på fredagsbaren",
    "which agreements does Vejle still need to sign?",
]


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_not_a_period(text: str) -> None:
    assert find_period(text, TUE) is None


# (today, text, Danish label, English label)
LABELS: list[tuple[date, str, str, str]] = [
    (
        TUE,
        "denne uge",
        "denne uge (uge 48, 24.–30. november 2025)",
        "this week (week 48, 24–30 November 2025)",
    ),
    (
        MON,
        "denne uge",
        "denne uge (uge 1, 29. december 2025 – 4. januar 2026)",
        "this week (week 1, 29 December 2025 – 4 January 2026)",
    ),
    (TUE, "uge 49", "uge 49 (1.–7. december 2025)", "week 49 (1–7 December 2025)"),
    (TUE, "i december", "i december 2025", "in December 2025"),
    (TUE, "dec 2025", "i december 2025", "in December 2025"),
    (
        TUE,
        "de næste 14 dage",
        "de næste 14 dage (25.11.–8.12.2025)",
        "the next 14 days (25 Nov – 8 Dec 2025)",
    ),
    (
        TUE,
        "within a week",
        "de næste 7 dage (25.11.–1.12.2025)",
        "the next 7 days (25 Nov – 1 Dec 2025)",
    ),
    (
        TUE,
        "før jul",
        "før jul (til og med 23. december 2025)",
        "before Christmas (up to and including 23 December 2025)",
    ),
    (
        TUE,
        "inden nytår",
        "før nytår (til og med 31. december 2025)",
        "before the new year (up to and including 31 December 2025)",
    ),
    (TUE, "inden fredag", "senest fredag den 28. november 2025", "by Friday 28 November 2025"),
    (TUE, "på fredag", "fredag den 28. november 2025", "Friday 28 November 2025"),
    (
        TUE,
        "i morgen",
        "i morgen (onsdag den 26. november 2025)",
        "tomorrow (Wednesday 26 November 2025)",
    ),
    (TUE, "næste måned", "næste måned (december 2025)", "next month (December 2025)"),
    (TUE, "Q1", "1. kvartal 2026 (januar–marts 2026)", "Q1 2026 (January–March 2026)"),
    (
        TUE,
        "dette kvartal",
        "dette kvartal (4. kvartal 2025, oktober–december 2025)",
        "this quarter (Q4 2025, October–December 2025)",
    ),
    (TUE, "i år", "i år (2025)", "this year (2025)"),
    (TUE, "in 2026", "i 2026", "in 2026"),
    (
        TUE,
        "resten af året",
        "resten af året (25. november – 31. december 2025)",
        "the rest of the year (25 November – 31 December 2025)",
    ),
    (
        TUE,
        "ultimo januar",
        "ultimo januar 2026 (21.–31. januar 2026)",
        "late January 2026 (21–31 January 2026)",
    ),
    (
        TUE,
        "mid-December",
        "medio december 2025 (11.–20. december 2025)",
        "mid-December 2025 (11–20 December 2025)",
    ),
    (
        TUE,
        "før december",
        "før december 2025 (til og med 30. november 2025)",
        "before December 2025 (up to and including 30 November 2025)",
    ),
    (TUE, "i weekenden", "weekenden (29.–30. november 2025)", "the weekend (29–30 November 2025)"),
    (
        TUE,
        "de sidste 2 måneder",
        "de sidste 2 måneder (26.9.–25.11.2025)",
        "the last 2 months (26 Sep – 25 Nov 2025)",
    ),
    (TUE, "H2 '25", "2. halvår 2025 (juli–december 2025)", "H2 2025 (July–December 2025)"),
]


@pytest.mark.parametrize(
    ("today", "text", "da", "en"), LABELS, ids=[f"{t}:{s}" for t, s, _, _ in LABELS]
)
def test_label(today: date, text: str, da: str, en: str) -> None:
    period = find_period(text, today)
    assert period is not None
    assert period.label("da") == da
    assert period.label("en") == en


def test_a_period_built_by_hand_is_labelled_by_its_dates() -> None:
    period = Period(d("2025-11-25"), d("2025-12-08"), (0, 0), "")
    assert period.kind is PeriodKind.RANGE
    assert period.label("da") == "25. november – 8. december 2025"
    assert period.label("en") == "25 November – 8 December 2025"


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        Period(d("2025-12-08"), d("2025-11-25"), (0, 0), "")


# --------------------------------------------------------------------------- properties

# Every form in the table means some period on any day (none is "before" a written year).
PHRASES = sorted({text for _, text, _, _ in CASES} | {"uge 1", "uge 52-1", "i fredags"})
TODAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(today=TODAYS, phrase=st.sampled_from(PHRASES))
def test_every_phrase_is_a_period_on_every_day(today: date, phrase: str) -> None:
    period = find_period(f"opgaver {phrase}?", today)
    assert period is not None
    assert period.start <= period.end
    assert period.text == phrase


@given(today=TODAYS, phrase=st.sampled_from(["denne uge", "this week", "næste uge", "uge 7"]))
def test_weeks_run_monday_to_sunday(today: date, phrase: str) -> None:
    period = find_period(phrase, today)
    assert period is not None
    assert (period.start.weekday(), period.end - period.start) == (0, timedelta(days=6))


@given(today=TODAYS, week=st.integers(min_value=1, max_value=53))
def test_a_week_number_is_the_next_such_week_not_yet_over(today: date, week: int) -> None:
    period = find_period(f"uge {week}", today)
    assert period is not None
    assert period.start.isocalendar().week == week
    assert period.end >= today
    assert period.start - today < timedelta(days=7 * 53 * 6)


@given(today=TODAYS, month=st.integers(min_value=1, max_value=12))
def test_a_month_is_the_next_occurrence_counting_this_month(today: date, month: int) -> None:
    names = "januar februar marts april maj juni juli august september oktober november december"
    period = find_period(f"i {names.split()[month - 1]}", today)
    assert period is not None
    assert period.start.month == month
    assert date(today.year, today.month, 1) <= period.start
    assert period.start < date(today.year + 1, today.month, 1)


@given(today=TODAYS, days=st.integers(min_value=1, max_value=400))
def test_the_next_n_days_start_today_and_count_n(today: date, days: int) -> None:
    period = find_period(f"de næste {days} dage", today)
    assert period is not None
    assert period.start == today
    assert (period.end - period.start).days + 1 == days


# Questions as typed, plus what trips a shortcut: combining accents (a + ◌̊), letters whose lower
# case is two characters (İ), and Greek capital sigma (its lower case depends on the next letter).
_TRICKY = st.sampled_from(["a\u030a", "\u0130", "\u03a3", "\u03a3\u03b1", "ΟΔΟΣ", "–", "\u00a0"])


@given(st.lists(st.text(max_size=8) | _TRICKY, max_size=6).map("".join))
def test_folding_a_whole_question_at_once_gives_what_folding_it_by_character_gives(
    text: str,
) -> None:
    assert _fold(text) == _fold_by_char(text)
