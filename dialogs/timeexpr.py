"""The time period a user means in a chat question ("hvad skal vi nå før jul?", "due next week").

Questions about KLIK tasks, agreements and frozen zones are nearly always scoped by time, and
the same expression must be removed from the text before project codes and municipality names
are matched, so ``find_period`` returns both the inclusive date interval and where in the text
the expression stood. ``Period.label`` says the interval back with its dates, so a
misunderstanding is visible to the user instead of silently answered.

Conventions, chosen where the words are ambiguous (tests/dialogs/test_timeexpr.py pins them):

* Weeks are ISO weeks, Monday–Sunday; "denne uge" is the whole week, not from today.
* "uge 49" without a year is the week 49 that has not ended yet: in the current ISO year if
  its Sunday is today or later, else in the next ISO year that has such a week (week 53).
  A range "uge 50-2" runs into the next ISO year.
* A month, quarter or half-year without a year is the next one, counting the current one
  ("i januar" in November = January next year, "i november" in November = this November).
  The same for "primo/medio/ultimo <month>".
* A named day without a year ("den 20. november") is the nearest such day, past or future
  (``kombitbot.dates.infer_year``): such days are as often asked about after the fact.
  After "inden/senest/by …" the day is the next one on or after today.
* "inden/til/senest/før fredag", "by/before Friday": from today up to and including the
  coming Friday; "på fredag", "on/this/next Friday": that Friday only. The coming weekday is
  always 1–7 days ahead, so "på fredag" said on a Friday is next week's Friday.
* "før jul": today … 23 December; from 24 December on it means next year's Christmas.
  "før nytår": today … 31 December.
* "de næste 14 dage": today and the 13 days after; N weeks = 7·N days; N months = to the day
  before the same date N months on. "de sidste 14 dage" ends today.
* "i weekenden": Saturday–Sunday of the current ISO week (so on a Sunday, this weekend).
* Numbers alone are never a period ("K49", "03", "bølge B3"), nor is "uge" alone; "H1/H2"
  need a year, since short letter–digit codes are common in the data.
* Not understood on purpose: "efter jul/nytår" (no natural end), "om 14 dage" (a point, not
  a period), seasons, and the abbreviation "jul" for July (in Danish it is Christmas).

Text is compared lower-cased, and Danish letters may be written æ/ae/a, ø/oe/o, å/aa/a.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal, NamedTuple

from kombitbot.dates import (
    MONTH_WORDS,
    FuzzyDate,
    FuzzyDateError,
    Precision,
    infer_year,
    render_fuzzy_date,
)

__all__ = ["Period", "PeriodKind", "find_period"]

Lang = Literal["da", "en"]

_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 2199


class PeriodKind(StrEnum):
    """What the user said, so the label can say it back in the same terms."""

    RANGE = "range"
    DAY = "day"
    TODAY = "today"
    TOMORROW = "tomorrow"
    DAY_AFTER_TOMORROW = "day_after_tomorrow"
    YESTERDAY = "yesterday"
    DAY_BEFORE_YESTERDAY = "day_before_yesterday"
    BY_DATE = "by_date"
    THIS_WEEK = "this_week"
    NEXT_WEEK = "next_week"
    LAST_WEEK = "last_week"
    WEEK = "week"
    WEEKS = "weeks"
    REST_OF_WEEK = "rest_of_week"
    WEEKEND = "weekend"
    LAST_WEEKEND = "last_weekend"
    THIS_MONTH = "this_month"
    NEXT_MONTH = "next_month"
    LAST_MONTH = "last_month"
    MONTH = "month"
    PART_OF_MONTH = "part_of_month"
    BEFORE_MONTH = "before_month"
    REST_OF_MONTH = "rest_of_month"
    NEXT_DAYS = "next_days"
    NEXT_WEEKS = "next_weeks"
    NEXT_MONTHS = "next_months"
    LAST_DAYS = "last_days"
    LAST_WEEKS = "last_weeks"
    LAST_MONTHS = "last_months"
    BEFORE_CHRISTMAS = "before_christmas"
    BEFORE_NEW_YEAR = "before_new_year"
    THIS_QUARTER = "this_quarter"
    NEXT_QUARTER = "next_quarter"
    LAST_QUARTER = "last_quarter"
    QUARTER = "quarter"
    HALF = "half"
    THIS_YEAR = "this_year"
    NEXT_YEAR = "next_year"
    LAST_YEAR = "last_year"
    YEAR = "year"
    REST_OF_YEAR = "rest_of_year"


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive interval of days and the words in the message that named it.

    ``span`` indexes the original text (``text == message[span[0]:span[1]]``), so the caller can
    cut the expression out before matching codes and names. ``kind`` and ``count`` only shape
    the label.
    """

    start: date
    end: date
    span: tuple[int, int]
    text: str
    kind: PeriodKind = PeriodKind.RANGE
    count: int = 0

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period {self.text!r} ends before it starts")

    def label(self, lang: Lang) -> str:
        """How the bot says the period back, always with its dates."""
        return _label(self, lang)


class _Hit(NamedTuple):
    start: date
    end: date
    kind: PeriodKind
    amount: int = 0


_Handler = Callable[[re.Match[str], date], _Hit | None]


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    handler: _Handler


# --------------------------------------------------------------------------- text


_TRANSLATE: Final = str.maketrans(
    {
        "–": "-", "—": "-", "‒": "-", "‐": "-", "‑": "-", "−": "-",
        "‘": "'", "’": "'", "´": "'", "`": "'", "′": "'",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """Lower-case, compose combining accents, unify dashes and spaces — one char per char.

    Returns the folded text and, per folded character, where it starts and ends in ``text``,
    so a match in the folded text maps back to the exact original characters.
    """
    lowered = text.lower()
    if (
        len(lowered) == len(text)  # no character lower-cases to two
        and "\u03a3" not in text  # Σ: the one letter whose lower case depends on its neighbours
        and not any(map(unicodedata.combining, text))
    ):  # the usual question: the same result without the loop below
        return lowered.translate(_TRANSLATE), list(range(len(text))), list(range(1, len(text) + 1))
    return _fold_by_char(text)


def _fold_by_char(text: str) -> tuple[str, list[int], list[int]]:
    """:func:`_fold` one character at a time: for combining accents and length-changing case."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.combining(ch) and chars:
            composed = unicodedata.normalize("NFC", chars[-1] + ch)
            if len(composed) == 1:
                chars[-1] = composed
            ends[-1] = i + 1
            continue
        low = ch.lower()
        chars.append(low if len(low) == 1 else ch)
        starts.append(i)
        ends.append(i + 1)
    return "".join(chars).translate(_TRANSLATE), starts, ends


_LOOSE: Final = MappingProxyType({"æ": "(?:æ|ae|a)", "ø": "(?:ø|oe|o)", "å": "(?:å|aa|a)"})
# "før" without its ø is "for", which is also English; where that matters, patterns use this.
_FOER: Final = r"f(?:\xf8|oe)r"


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a readable pattern: " " = some space, " ?" = maybe space, æøå also as ae/a…"""
    pattern = pattern.replace(" ?", r"\s*").replace(" ", r"\s+")
    pattern = "".join(_LOOSE.get(ch, ch) for ch in pattern)
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


# --------------------------------------------------------------------------- vocabulary

# A question's "jul" is Christmas ("før jul"), not July as on a slide.
_MONTHS: Final[Mapping[str, int]] = MappingProxyType(
    {word: month for word, month in MONTH_WORDS.items() if word != "jul"}
)  # fmt: skip

_NUMBERS: Final[Mapping[str, int]] = MappingProxyType({
    "en": 1, "et": 1, "a": 1, "an": 1, "one": 1,
    "to": 2, "two": 2, "tre": 3, "three": 3, "fire": 4, "four": 4, "fem": 5, "five": 5,
    "seks": 6, "six": 6, "syv": 7, "seven": 7, "otte": 8, "eight": 8, "ni": 9, "nine": 9,
    "ti": 10, "ten": 10, "elleve": 11, "eleven": 11, "tolv": 12, "twelve": 12,
    "fjorten": 14, "fourteen": 14,
})  # fmt: skip

_DA_WEEKDAYS: Final = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_EN_WEEKDAYS: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
)  # fmt: skip
_EN_MONTH_ABBR: Final = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
)  # fmt: skip


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MON: Final = rf"(?P<mon>{_alternation(list(_MONTHS))})(?!\w)\.?"
# A year after a month, week or quarter: "dec 2025", "dec. 2025", "dec-25", "dec '25",
# "uge 49, 2025", "Q1 i 2026". A bare two-digit number is not a year ("december 15" is a day).
_YEAR_TAIL: Final = (
    r"(?:\s*,?\s*(?:(?:i|in)\s+)?(?P<year>\d{4})|\s*(?:[-/]\s*'?|')\s*(?P<yy>\d{2}))?(?!\d)"
)
_REL_YEAR: Final = r"(?: (?P<rel>i år|næste år|sidste år|this year|next year|last year))?"
_NUM: Final = rf"(?P<num>\d{{1,3}}|{_alternation(list(_NUMBERS))})"
_UNIT: Final = r"(?P<unit>dage|dag|døgn|uger|uge|måneder|måned|days|day|weeks|week|months|month)"
_WEEKDAY: Final = "|".join(
    f"(?P<wd{i}>{da}|{en.lower()})"
    for i, (da, en) in enumerate(zip(_DA_WEEKDAYS, _EN_WEEKDAYS, strict=True))
)
_WEEKDAY_S: Final = "|".join(f"(?P<wd{i}>{da})s" for i, da in enumerate(_DA_WEEKDAYS))
_ANY_WEEKDAY: Final = "|".join([*_DA_WEEKDAYS, *(en.lower() for en in _EN_WEEKDAYS)])
_ORD: Final = (
    r"(?:(?P<o1>første|first|1st|1\.?)|(?P<o2>anden|andet|second|2nd|2\.?)"
    r"|(?P<o3>tredje|third|3rd|3\.?)|(?P<o4>fjerde|fourth|4th|4\.?))"
)
_ORD12: Final = r"(?:(?P<o1>første|first|1st|1\.?)|(?P<o2>anden|andet|second|2nd|2\.?))"
_IN: Final = r"(?:(?:i|in|during) )?"


# --------------------------------------------------------------------------- date arithmetic


def _day(year: int, month: int, day: int) -> date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR or not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _month_span(year: int, month: int, months: int = 1) -> tuple[date, date]:
    """First day of ``month`` to the last day of the ``months``-th month (may pass new year)."""
    last_index = year * 12 + month - 1 + months - 1
    last_year, last_month = divmod(last_index, 12)
    last_month += 1
    return date(year, month, 1), date(
        last_year, last_month, calendar.monthrange(last_year, last_month)[1]
    )


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _iso_week(year: int, week: int) -> tuple[date, date] | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return monday, monday + timedelta(days=6)


def _coming_weekday(today: date, weekday: int) -> date:
    """The next such weekday strictly after today (1–7 days ahead)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _previous_weekday(today: date, weekday: int) -> date:
    """The last such weekday strictly before today (1–7 days back)."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


# --------------------------------------------------------------------------- match helpers


def _written_year(m: re.Match[str]) -> int | None:
    """The year in digits (4, or 2 after a dash/apostrophe); 0 when out of range."""
    groups = m.groupdict()
    if groups.get("year"):
        year = int(groups["year"])
    elif groups.get("yy"):
        year = 2000 + int(groups["yy"])
    else:
        return None
    return year if _MIN_YEAR <= year <= _MAX_YEAR else 0


def _relative_year(m: re.Match[str], today: date) -> int | None:
    rel = m.groupdict().get("rel")
    if not rel:
        return None
    word = rel.split()[0]
    if word in ("i", "this"):
        return today.year
    if word == "next" or word.startswith("n"):
        return today.year + 1
    return today.year - 1


def _year_of(m: re.Match[str], today: date) -> int | Literal[False] | None:
    """Written or relative year; None when none is given; False when it is impossible."""
    written = _written_year(m)
    if written == 0:
        return False
    if written is not None:
        return written
    return _relative_year(m, today)


def _weekday_of(m: re.Match[str]) -> int:
    for i in range(7):
        if m.groupdict().get(f"wd{i}"):
            return i
    raise AssertionError("pattern without a weekday")


def _ordinal_of(m: re.Match[str]) -> int:
    groups = m.groupdict()
    for i in range(1, 5):
        if groups.get(f"o{i}"):
            return i
    return int(groups["q"])


def _count_of(m: re.Match[str]) -> int:
    num = m["num"]
    return int(num) if num.isdigit() else _NUMBERS[num]


def _unit_of(m: re.Match[str]) -> str:
    """ "d", "w" or "m" whatever the language or spelling (dage/døgn/days, uger/weeks …)."""
    first = m["unit"][0]
    return "d" if first == "d" else "w" if first in "uw" else "m"


def _next_occurrence_year(today: date, last_month: int) -> int:
    """The year of the next month/quarter/half-year ending in ``last_month``, counting the
    current one: it is this year's unless that has already ended."""
    return today.year if last_month >= today.month else today.year + 1


# --------------------------------------------------------------------------- handlers


def _fixed_day(offset: int, kind: PeriodKind) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        day = today + timedelta(days=offset)
        return _Hit(day, day, kind)

    return handler


def _relative_week(offset: int, kind: PeriodKind) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        monday = _monday(today) + timedelta(weeks=offset)
        return _Hit(monday, monday + timedelta(days=6), kind)

    return handler


def _relative_month(offset: int, kind: PeriodKind) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        first = _add_months(today.replace(day=1), offset)
        return _Hit(*_month_span(first.year, first.month), kind)

    return handler


def _relative_quarter(offset: int, kind: PeriodKind) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        first = _add_months(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3 * offset)
        return _Hit(*_month_span(first.year, first.month, 3), kind)

    return handler


def _relative_year_handler(offset: int, kind: PeriodKind) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit | None:
        year = today.year + offset
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return _Hit(*_month_span(year, 1, 12), kind)

    return handler


def _rest_of(unit: Literal["w", "m", "y"]) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        if unit == "w":
            return _Hit(today, _monday(today) + timedelta(days=6), PeriodKind.REST_OF_WEEK)
        if unit == "m":
            return _Hit(today, _month_span(today.year, today.month)[1], PeriodKind.REST_OF_MONTH)
        return _Hit(today, date(today.year, 12, 31), PeriodKind.REST_OF_YEAR)

    return handler


def _week_number(m: re.Match[str], today: date) -> _Hit | None:
    first = int(m["w1"])
    last = int(m["w2"]) if m["w2"] else first
    into_next = 1 if last < first else 0
    year = _year_of(m, today)
    if year is False:
        return None
    kind = PeriodKind.WEEK if m["w2"] is None else PeriodKind.WEEKS

    def spans(iso_year: int) -> tuple[date, date] | None:
        start, end = _iso_week(iso_year, first), _iso_week(iso_year + into_next, last)
        return (start[0], end[1]) if start and end else None

    if year is not None:
        found = spans(year - into_next)
        return _Hit(*found, kind) if found else None
    # The first such week (or range) that has not ended yet; 53 may be years away.
    iso_year = today.isocalendar().year
    for candidate in range(iso_year, iso_year + 8):
        found = spans(candidate)
        if found and found[1] >= today:
            return _Hit(*found, kind)
    return None


def _named_month(m: re.Match[str], today: date) -> _Hit | None:
    month = _MONTHS[m["mon"].rstrip(".")]
    year = _year_of(m, today)
    if year is False:
        return None
    if year is None:
        if not m["prep"]:
            return None  # "december" alone may be a name or a word; "i december" is a period
        year = _next_occurrence_year(today, month)
    return _Hit(*_month_span(year, month), PeriodKind.MONTH)


def _month_year(m: re.Match[str], today: date) -> int | None:
    year = _year_of(m, today)
    if year is False:
        return None
    if year is None:
        return _next_occurrence_year(today, _MONTHS[m["mon"].rstrip(".")])
    return year


def _part_of_month(m: re.Match[str], today: date) -> _Hit | None:
    year = _month_year(m, today)
    if year is None:
        return None
    first, last = _month_span(year, _MONTHS[m["mon"].rstrip(".")])
    if m["p0"]:
        return _Hit(first, first.replace(day=10), PeriodKind.PART_OF_MONTH)
    if m["p1"]:
        return _Hit(first.replace(day=11), first.replace(day=20), PeriodKind.PART_OF_MONTH)
    return _Hit(first.replace(day=21), last, PeriodKind.PART_OF_MONTH)


def _before_month(m: re.Match[str], today: date) -> _Hit | None:
    month = _MONTHS[m["mon"].rstrip(".")]
    year = _year_of(m, today)
    if year is False:
        return None
    if year is None:  # the next start of that month after today
        year = today.year if date(today.year, month, 1) > today else today.year + 1
    end = date(year, month, 1) - timedelta(days=1)
    return _Hit(today, end, PeriodKind.BEFORE_MONTH) if end >= today else None


def _by_end_of_month(m: re.Match[str], today: date) -> _Hit | None:
    year = _month_year(m, today)
    if year is None:
        return None
    end = _month_span(year, _MONTHS[m["mon"].rstrip(".")])[1]
    return _Hit(today, end, PeriodKind.BY_DATE) if end >= today else None


def _rolling(direction: Literal[1, -1]) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit | None:
        count, unit = _count_of(m), _unit_of(m)
        if count < 1:
            return None
        if unit == "m":
            if direction == 1:
                start, end = today, _add_months(today, count) - timedelta(days=1)
            else:
                start, end = _add_months(today, -count) + timedelta(days=1), today
        else:
            days = count * (7 if unit == "w" else 1)
            if direction == 1:
                start, end = today, today + timedelta(days=days - 1)
            else:
                start, end = today - timedelta(days=days - 1), today
        kinds = {
            (1, "d"): PeriodKind.NEXT_DAYS,
            (1, "w"): PeriodKind.NEXT_WEEKS,
            (1, "m"): PeriodKind.NEXT_MONTHS,
            (-1, "d"): PeriodKind.LAST_DAYS,
            (-1, "w"): PeriodKind.LAST_WEEKS,
            (-1, "m"): PeriodKind.LAST_MONTHS,
        }
        return _Hit(start, end, kinds[direction, unit], count)

    return handler


def _before_christmas(m: re.Match[str], today: date) -> _Hit:
    year = today.year if today <= date(today.year, 12, 23) else today.year + 1
    return _Hit(today, date(year, 12, 23), PeriodKind.BEFORE_CHRISTMAS)


def _before_new_year(m: re.Match[str], today: date) -> _Hit:
    return _Hit(today, date(today.year, 12, 31), PeriodKind.BEFORE_NEW_YEAR)


def _by_weekday(m: re.Match[str], today: date) -> _Hit:
    return _Hit(today, _coming_weekday(today, _weekday_of(m)), PeriodKind.BY_DATE)


def _on_weekday(m: re.Match[str], today: date) -> _Hit:
    day = _coming_weekday(today, _weekday_of(m))
    return _Hit(day, day, PeriodKind.DAY)


def _last_weekday(m: re.Match[str], today: date) -> _Hit:
    day = _previous_weekday(today, _weekday_of(m))
    return _Hit(day, day, PeriodKind.DAY)


def _weekend(offset: int, kind: PeriodKind) -> _Handler:
    def handler(m: re.Match[str], today: date) -> _Hit:
        saturday = _monday(today) + timedelta(days=5, weeks=offset)
        return _Hit(saturday, saturday + timedelta(days=1), kind)

    return handler


def _before_weekend(m: re.Match[str], today: date) -> _Hit:
    friday = _monday(today) + timedelta(days=4)
    if friday < today:
        friday += timedelta(weeks=1)
    return _Hit(today, friday, PeriodKind.BY_DATE)


def _explicit_year(m: re.Match[str], today: date) -> _Hit | None:
    year = int(m["year"])
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    return _Hit(*_month_span(year, 1, 12), PeriodKind.YEAR)


def _quarter(m: re.Match[str], today: date) -> _Hit | None:
    quarter = _ordinal_of(m)
    if not 1 <= quarter <= 4:
        return None
    year = _year_of(m, today)
    if year is False:
        return None
    if year is None:
        year = _next_occurrence_year(today, 3 * quarter)
    return _Hit(*_month_span(year, 3 * quarter - 2, 3), PeriodKind.QUARTER)


def _half(m: re.Match[str], today: date) -> _Hit | None:
    groups = m.groupdict()
    half = int(groups["h"]) if groups.get("h") else _ordinal_of(m)
    if not 1 <= half <= 2:
        return None
    year = _year_of(m, today)
    if year is False:
        return None
    if year is None:  # "H2" alone is not read (as likely a code): its rule needs a year
        year = _next_occurrence_year(today, 6 * half)
    return _Hit(*_month_span(year, 6 * half - 5, 6), PeriodKind.HALF)


def _named_day(m: re.Match[str], today: date) -> _Hit | None:
    """A day written as digits or with a month name, alone or after "den/on/inden/by …"."""
    groups = m.groupdict()
    if groups.get("iy"):
        year_text, month, day = groups["iy"], int(groups["im"]), int(groups["id"])
    elif groups.get("nd"):
        year_text, month, day = groups["ny"], int(groups["nm"]), int(groups["nd"])
        if year_text is None and not (m["by"] or m["den"]):
            return None  # "1/2" or "15.12" alone may be a fraction or a version
    else:
        year_text = groups["year"] or groups["year2"]
        name = (groups["mon"] or groups["mon2"]).rstrip(".")
        if name == "may" and not (year_text or m["by"] or m["den"]):
            return None  # "1 may need …" is English, not 1 May
        month, day = _MONTHS[name], int(groups["d"] or groups["d2"])
    by = bool(m["by"])
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        found = _day(year, month, day)
    elif by:  # the next such day, counting today
        found = _day(today.year, month, day)
        if found is not None and found < today:
            found = _day(today.year + 1, month, day)
        elif found is None:  # 29 February: the next leap year's
            found = next(
                (d for y in range(today.year + 1, today.year + 9) if (d := _day(y, month, day))),
                None,
            )
    else:

        def span_for(year: int) -> tuple[date, date]:
            found = _day(year, month, day)
            if found is None:
                raise FuzzyDateError(f"there is no {day}.{month}.{year}")
            return found, found

        try:
            found = _day(infer_year(span_for, today), month, day)
        except FuzzyDateError:
            return None
    if found is None:
        return None
    if by:
        return _Hit(today, found, PeriodKind.BY_DATE) if found >= today else None
    return _Hit(found, found, PeriodKind.DAY)


# --------------------------------------------------------------------------- rules

_BY_DA: Final = rf"inden|{_FOER}|senest|til og med|frem til|indtil"
_BY_EN: Final = r"by|before|until|till|no later than|not later than"
_DAY_FORMS: Final = (
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<nd>\d{1,2}) ?[./-] ?(?P<nm>\d{1,2})"
    r"(?:(?: ?[./-] ?|\. )(?P<ny>\d{4}|\d{2}))?\.?(?!\d|\.\d)"
    rf"|(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th)? ?(?:of )?{_MON}(?:\s*,?\s*(?P<year>\d{{4}}))?(?!\d)"
    rf"|(?P<mon2>{_alternation(list(_MONTHS))})(?!\w)\.? (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
    r"(?:,? (?P<year2>\d{4})(?!\d))?"
)
# "inden fredag den 28. november", "on Friday, 28 November": the weekday is part of the span
# but not checked against the date.
_DAY_PREFIX: Final = (
    rf"(?:(?P<by>{_BY_DA}|{_BY_EN}) )?(?:(?:på |on )?(?:{_ANY_WEEKDAY}),? )?"
    r"(?:(?P<den>den|d\.|the|on) ?)?"
)

_RULES: Final[tuple[_Rule, ...]] = (
    # Days relative to today.
    _Rule(_rx(r"i ?dag|today"), _fixed_day(0, PeriodKind.TODAY)),
    _Rule(_rx(r"i ?morgen|tomorrow"), _fixed_day(1, PeriodKind.TOMORROW)),
    _Rule(
        _rx(r"(?:i ?)?overmorgen|(?:the )?day after tomorrow"),
        _fixed_day(2, PeriodKind.DAY_AFTER_TOMORROW),
    ),
    _Rule(_rx(r"i ?går|yesterday"), _fixed_day(-1, PeriodKind.YESTERDAY)),
    _Rule(
        _rx(r"(?:i ?)?forgårs|(?:the )?day before yesterday"),
        _fixed_day(-2, PeriodKind.DAY_BEFORE_YESTERDAY),
    ),
    # Weeks.
    _Rule(
        _rx(
            r"(?:i )?(?:denne|den her|indeværende|nuværende) uge|(?:in )?(?:this|the current) week"
        ),
        _relative_week(0, PeriodKind.THIS_WEEK),
    ),
    _Rule(
        _rx(r"(?:i )?(?:næste|den kommende|kommende) uge|(?:in )?(?:the )?(?:next|coming) week"),
        _relative_week(1, PeriodKind.NEXT_WEEK),
    ),
    _Rule(
        _rx(r"(?:i )?(?:sidste|forrige) uge|(?:in )?(?:the )?(?:last|previous) week"),
        _relative_week(-1, PeriodKind.LAST_WEEK),
    ),
    _Rule(
        _rx(
            rf"{_IN}(?:uge|uger|week|weeks|wk)\.? ?(?:nr\.? ?)?(?P<w1>\d{{1,2}})(?!\d)"
            r"(?: ?- ?(?:(?:uge|week) )?(?P<w2>\d{1,2})(?!\d))?"
            rf"(?:(?:\s*[,/]\s*|\s+(?:(?:i|in)\s+)?)(?P<year>\d{{4}})(?!\d))?{_REL_YEAR}"
        ),
        _week_number,
    ),
    _Rule(
        _rx(
            r"resten af (?:ugen|denne uge)|ugen ud|(?:(?:inden|før) )?udgangen af ugen"
            r"|(?:the )?rest of (?:the|this) week|(?:by|before) the end of (?:the|this) week"
        ),
        _rest_of("w"),
    ),
    # Weekends and weekdays.
    _Rule(
        _rx(
            r"(?:i |over )?weekenden|(?:i )?(?:denne|den her) weekend"
            r"|(?:(?:in|at|on|over) )?(?:this|the) weekend"
        ),
        _weekend(0, PeriodKind.WEEKEND),
    ),
    _Rule(
        _rx(r"(?:i )?(?:sidste|forrige) weekend|(?:the )?(?:last|previous) weekend"),
        _weekend(-1, PeriodKind.LAST_WEEKEND),
    ),
    _Rule(_rx(rf"(?:inden|{_FOER}) weekenden|before the weekend"), _before_weekend),
    _Rule(
        _rx(
            rf"(?:inden|til|senest|frem til|indtil|{_FOER}|by|before|until|till|no later than)"
            rf" (?:på )?(?:(?:den )?(?:kommende|næste) |(?:this|next|the coming) )?(?:{_WEEKDAY})"
        ),
        _by_weekday,
    ),
    _Rule(
        _rx(
            r"(?:på (?:(?:den )?kommende )?|(?:den )?kommende |næste |on |this |next )"
            rf"(?:{_WEEKDAY})"
        ),
        _on_weekday,
    ),
    _Rule(_rx(rf"i (?:{_WEEKDAY_S})"), _last_weekday),
    _Rule(_rx(rf"(?:sidste|forrige|last) (?:{_WEEKDAY})"), _last_weekday),
    # Months.
    _Rule(
        _rx(
            r"(?:i )?(?:denne|den her|indeværende|nuværende) måned"
            r"|(?:in )?(?:this|the current) month"
        ),
        _relative_month(0, PeriodKind.THIS_MONTH),
    ),
    _Rule(
        _rx(r"(?:i )?(?:næste|den kommende|kommende) måned|(?:in )?(?:the )?(?:next|coming) month"),
        _relative_month(1, PeriodKind.NEXT_MONTH),
    ),
    _Rule(
        _rx(r"(?:i )?(?:sidste|forrige) måned|(?:in )?(?:the )?(?:last|previous) month"),
        _relative_month(-1, PeriodKind.LAST_MONTH),
    ),
    _Rule(
        _rx(
            r"resten af (?:måneden|denne måned)|måneden ud|(?:(?:inden|før) )?udgangen af måneden"
            r"|(?:the )?rest of (?:the|this) month|(?:by|before) the end of (?:the|this) month"
        ),
        _rest_of("m"),
    ),
    _Rule(
        _rx(
            r"(?:(?P<prep>i|in|during|i løbet af|hele|all of|throughout|in the month of) )?"
            rf"{_MON}{_YEAR_TAIL}{_REL_YEAR}"
        ),
        _named_month,
    ),
    _Rule(
        _rx(
            r"(?:(?:i|in|at) )?(?:the )?"
            r"(?:(?P<p0>primo|start of|beginning of|early|starten af|begyndelsen af|først i)"
            r"|(?P<p1>medio|mid|middle of|midten af|midt i)"
            r"|(?P<p2>ultimo|end of|late|slutningen af|sidst i))"
            rf"(?:\s*-\s*|\s+){_MON}{_YEAR_TAIL}{_REL_YEAR}"
        ),
        _part_of_month,
    ),
    _Rule(_rx(rf"(?:inden|{_FOER}|before|prior to) {_MON}{_YEAR_TAIL}{_REL_YEAR}"), _before_month),
    _Rule(
        _rx(
            rf"(?:(?:inden|{_FOER}|senest ved|senest|til|frem til|ved) )?udgangen af"
            rf" {_MON}{_YEAR_TAIL}{_REL_YEAR}"
        ),
        _by_end_of_month,
    ),
    _Rule(
        _rx(rf"(?:by|before|until|till) the end of {_MON}{_YEAR_TAIL}{_REL_YEAR}"),
        _by_end_of_month,
    ),
    # Rolling windows from today.
    _Rule(
        _rx(
            r"(?:(?:inden ?for|i løbet af|i|over|within|in|during|for) )?(?:de |the )?"
            rf"(?:næste|kommende|next|coming|upcoming) {_NUM} {_UNIT}"
        ),
        _rolling(1),
    ),
    _Rule(_rx(rf"(?:inden ?for|i løbet af|within) {_NUM} {_UNIT}"), _rolling(1)),
    _Rule(
        _rx(
            r"(?:(?:i|in|during|over|for) )?(?:de |the )?"
            rf"(?:sidste|seneste|last|past|previous) {_NUM} {_UNIT}"
        ),
        _rolling(-1),
    ),
    # Holidays.
    _Rule(
        _rx(
            r"(?:før|inden|til|op til|frem til|senest til) jul(?:en)?"
            r"|(?:before|by|until|till) christmas"
        ),
        _before_christmas,
    ),
    _Rule(
        _rx(
            r"(?:før|inden|til|op til|frem til) (?:nytår|årsskiftet)"
            r"|(?:before|by|until|till) (?:the )?new year(?:'s)?"
        ),
        _before_new_year,
    ),
    # Quarters and halves.
    _Rule(
        _rx(r"(?:i )?(?:dette|indeværende|nuværende) kvartal|(?:in )?(?:this|the current) quarter"),
        _relative_quarter(0, PeriodKind.THIS_QUARTER),
    ),
    _Rule(
        _rx(
            r"(?:i )?(?:næste|det kommende|kommende) kvartal"
            r"|(?:in )?(?:the )?(?:next|coming) quarter"
        ),
        _relative_quarter(1, PeriodKind.NEXT_QUARTER),
    ),
    _Rule(
        _rx(r"(?:i )?(?:sidste|forrige) kvartal|(?:in )?(?:the )?(?:last|previous) quarter"),
        _relative_quarter(-1, PeriodKind.LAST_QUARTER),
    ),
    _Rule(
        _rx(rf"{_IN}(?:the )?{_ORD} ?(?:kvartal|quarter)(?: of)?{_YEAR_TAIL}{_REL_YEAR}"),
        _quarter,
    ),
    _Rule(
        _rx(rf"{_IN}(?:kvartal|quarter|q) ?(?P<q>[1-4]){_YEAR_TAIL}{_REL_YEAR}"),
        _quarter,
    ),
    _Rule(_rx(rf"{_IN}(?:the )?{_ORD12} ?halvår(?: af)?{_YEAR_TAIL}{_REL_YEAR}"), _half),
    _Rule(
        _rx(
            rf"{_IN}(?:the )?{_ORD12} half of"
            r"(?: the year| (?P<rel>this year|next year|last year)|\s+(?P<year>\d{4})(?!\d))"
        ),
        _half,
    ),
    _Rule(
        _rx(
            rf"{_IN}h(?P<h>[12])(?:\s*,?\s*(?P<year>\d{{4}})|\s*(?:[-/]\s*'?|')\s*(?P<yy>\d{{2}}))"
        ),
        _half,
    ),
    # Years.
    _Rule(
        _rx(r"i ?år|(?:i )?(?:dette|indeværende) år|(?:in )?(?:this|the current) year"),
        _relative_year_handler(0, PeriodKind.THIS_YEAR),
    ),
    _Rule(
        _rx(r"(?:til |i )?næste år|(?:i )?det kommende år|(?:in )?(?:the )?(?:next|coming) year"),
        _relative_year_handler(1, PeriodKind.NEXT_YEAR),
    ),
    _Rule(
        _rx(r"(?:i )?(?:sidste|forrige) år|i fjor|(?:in )?(?:the )?(?:last|previous) year"),
        _relative_year_handler(-1, PeriodKind.LAST_YEAR),
    ),
    _Rule(
        _rx(
            r"resten af (?:året|i år)|året ud"
            r"|(?:(?:inden|før|senest ved) )?udgangen af (?:året|i år)"
            r"|inden årets udgang|(?:the )?rest of (?:the|this) year"
            r"|(?:by|before) the end of (?:the|this) year"
        ),
        _rest_of("y"),
    ),
    _Rule(
        _rx(r"(?:i|in|during|i løbet af|hele|all of|throughout) (?P<year>\d{4})(?!\d)"),
        _explicit_year,
    ),
    # Named days.
    _Rule(_rx(rf"{_DAY_PREFIX}(?:{_DAY_FORMS})"), _named_day),
)


# --------------------------------------------------------------------------- finding


def find_period(text: str, today: date) -> Period | None:
    """The first time expression in ``text`` as a period relative to ``today``, or None.

    Of expressions starting at the same place the longest wins ("i december 2025" over
    "i december"), so prepositions and years become part of the span the caller removes.
    An expression that reads but names no possible period ("før december 1999", "uge 54")
    also hides the shorter ones inside it: "december 1999" is not what the user asked for.
    """
    folded, starts, ends = _fold(text)
    found: list[tuple[int, int, int, _Hit | None]] = []
    for order, rule in enumerate(_RULES):
        for m in rule.pattern.finditer(folded):
            if m.end() > m.start():
                found.append((m.start(), m.end(), order, rule.handler(m, today)))
    found.sort(key=lambda item: (item[0], -item[1], item[2]))
    impossible: list[tuple[int, int]] = []
    for first, last, _, hit in found:
        if hit is None:
            impossible.append((first, last))
        elif not any(a <= first and last <= b and (a, b) != (first, last) for a, b in impossible):
            span = (starts[first], ends[last - 1])
            text_span = text[span[0] : span[1]]
            return Period(hit.start, hit.end, span, text_span, hit.kind, hit.amount)
    return None


# --------------------------------------------------------------------------- labels


def _long_days(start: date, end: date, lang: Lang) -> str:
    """ "24.–30. november 2025" / "24–30 November 2025", via the shared date renderer."""
    precision = Precision.DAY if start == end else Precision.DAY_RANGE
    return render_fuzzy_date(FuzzyDate("", start, end, precision), lang)


def _months(start: date, end: date, lang: Lang) -> str:
    """ "december 2025" / "januar–marts 2026"."""
    precision = Precision.MONTH if start.month == end.month else Precision.MONTH_RANGE
    return render_fuzzy_date(FuzzyDate("", start, end, precision), lang)


def _short_days(start: date, end: date, lang: Lang) -> str:
    """ "25.11.–8.12.2025" / "25 Nov – 8 Dec 2025": compact, for rolling windows."""
    if lang == "da":
        if start == end:
            return f"{end.day}.{end.month}.{end.year}"
        if start.year == end.year:
            return f"{start.day}.{start.month}.–{end.day}.{end.month}.{end.year}"
        return f"{start.day}.{start.month}.{start.year}–{end.day}.{end.month}.{end.year}"
    first, last = _EN_MONTH_ABBR[start.month - 1], _EN_MONTH_ABBR[end.month - 1]
    if start == end:
        return f"{end.day} {last} {end.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {last} {end.year}"
    if start.year == end.year:
        return f"{start.day} {first} – {end.day} {last} {end.year}"
    return f"{start.day} {first} {start.year} – {end.day} {last} {end.year}"


def _weekday_day(day: date, lang: Lang) -> str:
    """ "fredag den 28. november 2025" / "Friday 28 November 2025"."""
    if lang == "da":
        return f"{_DA_WEEKDAYS[day.weekday()]} den {_long_days(day, day, lang)}"
    return f"{_EN_WEEKDAYS[day.weekday()]} {_long_days(day, day, lang)}"


_DAY_WORDS: Final[Mapping[PeriodKind, tuple[str, str]]] = MappingProxyType({
    PeriodKind.TODAY: ("i dag", "today"),
    PeriodKind.TOMORROW: ("i morgen", "tomorrow"),
    PeriodKind.DAY_AFTER_TOMORROW: ("i overmorgen", "the day after tomorrow"),
    PeriodKind.YESTERDAY: ("i går", "yesterday"),
    PeriodKind.DAY_BEFORE_YESTERDAY: ("i forgårs", "the day before yesterday"),
})  # fmt: skip
_RELATIVE_WORDS: Final[Mapping[PeriodKind, tuple[str, str]]] = MappingProxyType({
    PeriodKind.THIS_WEEK: ("denne uge", "this week"),
    PeriodKind.NEXT_WEEK: ("næste uge", "next week"),
    PeriodKind.LAST_WEEK: ("sidste uge", "last week"),
    PeriodKind.THIS_MONTH: ("denne måned", "this month"),
    PeriodKind.NEXT_MONTH: ("næste måned", "next month"),
    PeriodKind.LAST_MONTH: ("sidste måned", "last month"),
    PeriodKind.THIS_QUARTER: ("dette kvartal", "this quarter"),
    PeriodKind.NEXT_QUARTER: ("næste kvartal", "next quarter"),
    PeriodKind.LAST_QUARTER: ("sidste kvartal", "last quarter"),
    PeriodKind.THIS_YEAR: ("i år", "this year"),
    PeriodKind.NEXT_YEAR: ("næste år", "next year"),
    PeriodKind.LAST_YEAR: ("sidste år", "last year"),
    PeriodKind.REST_OF_WEEK: ("resten af ugen", "the rest of the week"),
    PeriodKind.REST_OF_MONTH: ("resten af måneden", "the rest of the month"),
    PeriodKind.REST_OF_YEAR: ("resten af året", "the rest of the year"),
    PeriodKind.WEEKEND: ("weekenden", "the weekend"),
    PeriodKind.LAST_WEEKEND: ("sidste weekend", "last weekend"),
})  # fmt: skip
# (singular, plural) per language, and the words for "next"/"last".
_UNITS: Final[Mapping[str, Mapping[Lang, tuple[str, str]]]] = MappingProxyType({
    "d": {"da": ("dag", "dage"), "en": ("day", "days")},
    "w": {"da": ("uge", "uger"), "en": ("week", "weeks")},
    "m": {"da": ("måned", "måneder"), "en": ("month", "months")},
})  # fmt: skip
_ROLLING: Final[Mapping[PeriodKind, tuple[str, int]]] = MappingProxyType({
    PeriodKind.NEXT_DAYS: ("d", 1),
    PeriodKind.NEXT_WEEKS: ("w", 1),
    PeriodKind.NEXT_MONTHS: ("m", 1),
    PeriodKind.LAST_DAYS: ("d", -1),
    PeriodKind.LAST_WEEKS: ("w", -1),
    PeriodKind.LAST_MONTHS: ("m", -1),
})  # fmt: skip


def _quarter_name(start: date, lang: Lang) -> str:
    quarter = (start.month - 1) // 3 + 1
    return f"{quarter}. kvartal {start.year}" if lang == "da" else f"Q{quarter} {start.year}"


def _rolling_label(p: Period, lang: Lang) -> str:
    unit, direction = _ROLLING[p.kind]
    days = (p.end - p.start).days + 1
    count = p.count or (days // 7 if unit == "w" else days)
    if unit == "w" and count == 1:
        unit, count = "d", 7  # "den næste uge" would be mistaken for "næste uge"
    dates = _short_days(p.start, p.end, lang)
    if unit == "d" and count == 1:
        return f"i dag ({dates})" if lang == "da" else f"today ({dates})"
    singular, plural = _UNITS[unit][lang]
    if lang == "da":
        if count == 1:
            return f"den {'kommende' if direction == 1 else 'seneste'} {singular} ({dates})"
        return f"de {'næste' if direction == 1 else 'sidste'} {count} {plural} ({dates})"
    if count == 1:
        return f"the {'coming' if direction == 1 else 'past'} {singular} ({dates})"
    return f"the {'next' if direction == 1 else 'last'} {count} {plural} ({dates})"


def _label(p: Period, lang: Lang) -> str:
    da = lang == "da"
    kind, start, end = p.kind, p.start, p.end
    days = _long_days(start, end, lang)
    if kind in _DAY_WORDS:
        return f"{_DAY_WORDS[kind][0 if da else 1]} ({_weekday_day(start, lang)})"
    if kind is PeriodKind.DAY:
        return _weekday_day(start, lang)
    if kind is PeriodKind.BY_DATE:
        return f"{'senest' if da else 'by'} {_weekday_day(end, lang)}"
    if kind in _ROLLING:
        return _rolling_label(p, lang)
    until = "til og med" if da else "up to and including"
    if kind is PeriodKind.BEFORE_CHRISTMAS:
        return f"{'før jul' if da else 'before Christmas'} ({until} {_long_days(end, end, lang)})"
    if kind is PeriodKind.BEFORE_NEW_YEAR:
        return (
            f"{'før nytår' if da else 'before the new year'} ({until} {_long_days(end, end, lang)})"
        )
    if kind is PeriodKind.BEFORE_MONTH:
        month = _months(end + timedelta(days=1), end + timedelta(days=1), lang)
        return f"{'før' if da else 'before'} {month} ({until} {_long_days(end, end, lang)})"
    week = "uge" if da else "week"
    if kind in (PeriodKind.THIS_WEEK, PeriodKind.NEXT_WEEK, PeriodKind.LAST_WEEK):
        words = _RELATIVE_WORDS[kind][0 if da else 1]
        return f"{words} ({week} {start.isocalendar().week}, {days})"
    if kind is PeriodKind.WEEK:
        return f"{week} {start.isocalendar().week} ({days})"
    if kind is PeriodKind.WEEKS:
        weeks = "uge" if da else "weeks"
        return f"{weeks} {start.isocalendar().week}–{end.isocalendar().week} ({days})"
    if kind in (PeriodKind.THIS_MONTH, PeriodKind.NEXT_MONTH, PeriodKind.LAST_MONTH):
        return f"{_RELATIVE_WORDS[kind][0 if da else 1]} ({_months(start, end, lang)})"
    if kind is PeriodKind.MONTH:
        return f"{'i' if da else 'in'} {_months(start, end, lang)}"
    if kind is PeriodKind.PART_OF_MONTH:
        part = (start.day - 1) // 10
        parts = ("primo ", "medio ", "ultimo ") if da else ("early ", "mid-", "late ")
        return f"{parts[part]}{_months(start, end, lang)} ({days})"
    if kind is PeriodKind.QUARTER:
        return f"{_quarter_name(start, lang)} ({_months(start, end, lang)})"
    if kind in (PeriodKind.THIS_QUARTER, PeriodKind.NEXT_QUARTER, PeriodKind.LAST_QUARTER):
        words = _RELATIVE_WORDS[kind][0 if da else 1]
        return f"{words} ({_quarter_name(start, lang)}, {_months(start, end, lang)})"
    if kind is PeriodKind.HALF:
        half = (start.month - 1) // 6 + 1
        name = f"{half}. halvår {start.year}" if da else f"H{half} {start.year}"
        return f"{name} ({_months(start, end, lang)})"
    if kind in (PeriodKind.THIS_YEAR, PeriodKind.NEXT_YEAR, PeriodKind.LAST_YEAR):
        return f"{_RELATIVE_WORDS[kind][0 if da else 1]} ({start.year})"
    if kind is PeriodKind.YEAR:
        return f"{'i' if da else 'in'} {start.year}"
    if kind in _RELATIVE_WORDS:
        return f"{_RELATIVE_WORDS[kind][0 if da else 1]} ({days})"
    return days
