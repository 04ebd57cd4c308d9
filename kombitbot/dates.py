"""Fuzzy Danish dates, read as written on KOMBIT's slides and by programme leaders.

Deadlines are rarely exact: "Primo dec", "Medio/ultimo dec", "uge 47", "Q4 2024",
"efteråret 2025", "Uafklaret". Instead of inventing a day, a value is kept as the interval it
actually denotes (``earliest`` … ``latest``) together with how precise it is, so the bot can
answer "ultimo januar 2026 (senest 31.01.2026)" rather than a made-up "31.01.2026".

Conventions (from the slides and DOMAIN.md): primo/medio/ultimo = 1st–10th / 11th–20th /
21st–last day of a month; of a year = January–April / May–August / September–December. Weeks
are ISO weeks (Monday–Sunday, ISO week-numbering year). Seasons: forår March–May, sommer
June–August, efterår September–November, vinter December–February of the following year.
Two-digit years mean 20YY.

The renderer writes only forms the parser reads back to the same interval and precision, so a
rendered value can be stored, shown and typed back by a user without drifting.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final, Literal, NamedTuple

__all__ = [
    "FuzzyDate",
    "FuzzyDateError",
    "Precision",
    "infer_year",
    "parse_fuzzy_date",
    "parse_year_hint",
    "render_fuzzy_date",
]

Lang = Literal["da", "en"]


class Precision(StrEnum):
    """How precisely a date was written; decides how it may be shown and compared."""

    DAY = "day"
    DAY_RANGE = "day_range"
    PART_OF_MONTH = "part_of_month"
    WEEK = "week"
    WEEK_RANGE = "week_range"
    MONTH = "month"
    MONTH_RANGE = "month_range"
    QUARTER = "quarter"
    HALF = "half"
    SEASON = "season"
    PART_OF_YEAR = "part_of_year"
    YEAR = "year"
    UNDECIDED = "undecided"
    UNKNOWN = "unknown"


_UNDATED: Final = frozenset({Precision.UNDECIDED, Precision.UNKNOWN})


class FuzzyDateError(ValueError):
    """Text that looks like a date but cannot be read, or names a day that does not exist."""


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date as written, with the interval it denotes.

    ``earliest``/``latest`` are inclusive and ``None`` only for UNDECIDED and UNKNOWN values;
    ``year_inferred`` says the year came from the context rather than from the text.
    """

    raw: str
    earliest: date | None
    latest: date | None
    precision: Precision
    year_inferred: bool = False

    def __post_init__(self) -> None:
        if self.precision in _UNDATED:
            if self.earliest is not None or self.latest is not None:
                raise ValueError(f"{self.precision} date {self.raw!r} cannot have a date range")
        elif self.earliest is None or self.latest is None:
            raise ValueError(f"{self.precision} date {self.raw!r} needs earliest and latest")
        elif self.earliest > self.latest:
            raise ValueError(f"date {self.raw!r} ends before it starts")

    @property
    def is_exact(self) -> bool:
        """True only for a single named day: the only value that may be shown as one date."""
        return self.precision is Precision.DAY

    @property
    def is_dated(self) -> bool:
        """True when the value denotes an interval of days (not undecided/unknown)."""
        return self.earliest is not None

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the value may fall within ``start``…``end`` (inclusive), e.g. "this week"."""
        if self.earliest is None or self.latest is None:
            return False
        return self.earliest <= end and start <= self.latest

    def contains(self, day: date) -> bool:
        """Whether ``day`` lies within the interval the value denotes."""
        if self.earliest is None or self.latest is None:
            return False
        return self.earliest <= day <= self.latest


# --------------------------------------------------------------------------- vocabulary

MONTH_WORDS: Final[dict[str, int]] = {  # Danish and English month names and abbreviations
    "januar": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "marts": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

# Parts of a month or year: 0 = primo/early, 1 = medio/mid, 2 = ultimo/late.
_PARTS: Final[dict[str, int]] = {
    "primo": 0, "early": 0, "start of": 0, "beginning of": 0, "begyndelsen af": 0,
    "starten af": 0, "først i": 0,
    "medio": 1, "mid": 1, "middle of": 1, "midten af": 1, "midt i": 1,
    "ultimo": 2, "late": 2, "end of": 2, "slutningen af": 2, "udgangen af": 2, "sidst i": 2,
}  # fmt: skip

# 0 = spring (Mar–May), 1 = summer (Jun–Aug), 2 = autumn (Sep–Nov), 3 = winter (Dec–Feb).
_SEASONS: Final[dict[str, int]] = {
    "forår": 0, "foråret": 0, "spring": 0,
    "sommer": 1, "sommeren": 1, "summer": 1,
    "efterår": 2, "efteråret": 2, "autumn": 2, "fall": 2,
    "vinter": 3, "vinteren": 3, "winter": 3,
}  # fmt: skip

_RELATIVE_WEEKS: Final[dict[str, int]] = {
    "denne uge": 0, "indeværende uge": 0, "this week": 0, "the current week": 0,
    "næste uge": 1, "kommende uge": 1, "next week": 1, "the coming week": 1,
    "sidste uge": -1, "forrige uge": -1, "last week": -1, "the previous week": -1,
}  # fmt: skip

_DA_MONTHS: Final = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
_EN_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NAMES: Final[dict[Lang, tuple[str, ...]]] = {"da": _DA_MONTHS, "en": _EN_MONTHS}
_PART_NAMES: Final[dict[Lang, tuple[str, str, str]]] = {
    "da": ("primo", "medio", "ultimo"),
    "en": ("early", "mid", "late"),
}
_SEASON_NAMES: Final[dict[Lang, tuple[str, str, str, str]]] = {
    "da": ("foråret", "sommeren", "efteråret", "vinteren"),
    "en": ("spring", "summer", "autumn", "winter"),
}
_SEASON_START_MONTH: Final = (3, 6, 9, 12)
_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 2199


# --------------------------------------------------------------------------- patterns


def _alternation(words: Sequence[str]) -> str:
    """Longest first, so "marts" is not read as "mar" + "ts"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NOT_LETTER: Final = r"(?![a-zæøå])"
_MON: Final = rf"(?P<mon>{_alternation(list(MONTH_WORDS))}){_NOT_LETTER}\.?"
_PART: Final = rf"(?:{_alternation(list(_PARTS))}){_NOT_LETTER}"
_PART_SEP: Final = r"\s*(?:/|-to-|-til-|-|\s(?:to|til)\s)\s*"
_PART_PAIR: Final = rf"(?P<p1>{_PART})(?:{_PART_SEP}(?P<p2>{_PART}))?"
_SEASON: Final = rf"(?P<s>{_alternation(list(_SEASONS))}){_NOT_LETTER}"
_WEEK_WORD: Final = r"(?:uge|uger|week|weeks|wk)\.?\s*(?:nr\.?\s*)?"
# After a month name a bare two-digit number is a day ("December 15"), so a two-digit year
# needs a dash, slash, dot or apostrophe ("dec-25", "dec '25"); four digits need nothing.
_TAIL_AFTER_MONTH: Final = r"(?:\s*[,./-]?\s*(?P<year>\d{4})|\s*(?:[-/.]\s*'?|')\s*(?P<yy>\d{2}))"
_TAIL: Final = r"\s*[,./-]?\s*'?\s*(?P<year>\d{4}|\d{2})"
_WEEK_YEAR: Final = r"(?:(?:\s*[,/]\s*|\s+)'?(?P<year>\d{4}|\d{2}))"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_ISO_DAY: Final = _rx(r"(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_ISO_WEEK: Final = _rx(r"(?P<year>\d{4})-?w(?P<w>\d{1,2})")
_NUM_DMY: Final = _rx(
    r"(?P<d>\d{1,2})\s*[./-]\s*(?P<m>\d{1,2})(?:\s*[./-]\s*|\.?\s+)'?(?P<year>\d{4}|\d{2})"
)
# No "-" here: "1-30" is a range of days, and "10-12" without a year is too ambiguous.
_NUM_DM: Final = _rx(r"(?P<d>\d{1,2})\s*[./]\s*(?P<m>\d{1,2})\.?")
_WEEK_RANGE: Final = _rx(
    rf"{_WEEK_WORD}(?P<w1>\d{{1,2}})\s*-\s*(?:{_WEEK_WORD})?(?P<w2>\d{{1,2}}){_WEEK_YEAR}?"
)
_WEEK: Final = _rx(rf"{_WEEK_WORD}(?P<w>\d{{1,2}}){_WEEK_YEAR}?")
_DAY_MONTH: Final = _rx(rf"(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?{_MON}(?:{_TAIL})?")
_MONTH_DAY: Final = _rx(rf"{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*,?\s*(?P<year>\d{{4}}))?")
_PART_OF_MONTH: Final = _rx(rf"{_PART_PAIR}[\s-]+(?:of\s+)?{_MON}{_TAIL_AFTER_MONTH}?")
_PART_OF_YEAR: Final = _rx(rf"{_PART_PAIR}[\s-]+(?:'(?P<yy>\d{{2}})|(?P<year>\d{{4}}))")
_QUARTER: Final = _rx(rf"(?:q|kvartal\s*)(?P<n>\d)(?:{_TAIL})?")
_QUARTER_DA: Final = _rx(rf"(?P<n>\d)\.?\s*kvartal(?:{_TAIL})?")
_HALF: Final = _rx(rf"(?:h|halvår\s*)(?P<n>\d)(?:{_TAIL})?")
_HALF_DA: Final = _rx(rf"(?P<n>\d)\.?\s*halvår(?:{_TAIL})?")
_SEASON_FORM: Final = _rx(
    rf"{_SEASON}(?:\s*'?(?P<year>\d{{4}}|\d{{2}})(?:\s*/\s*'?(?P<y2>\d{{4}}|\d{{2}}))?)?"
)
_MONTH: Final = _rx(rf"{_MON}{_TAIL_AFTER_MONTH}?")
_YEAR: Final = _rx(r"(?:år|year)?\s*(?P<year>\d{4})")
_BARE_DAY: Final = _rx(r"(?P<d>\d{1,2})(?:\.|st|nd|rd|th)?")

_UNDECIDED: Final = _rx(
    r"(?:uafklaret|ikke afklaret|ikke fastlagt|undecided|not decided|tbd|tba)(?![a-zæøå])"
)
_LEADING_FILLER: Final = _rx(
    r"^(?:(?:sendt|sendes|udsendt|udsendes|publiceres|publiceret|forventet|forventes|den|i"
    r"|fra|frem mod|frem til|senest|cirka|omkring|per|from|in|on|by|around|about|sent"
    r"|published|expected)\s+|(?:d|ca|pr|approx)\.\s*|ca\s+)"
)
_TRAILING_FILLER: Final = _rx(r"\s*(?:\bmåned|\bmonth|[,;:!])$")
_LIST_SEP: Final = _rx(r"\s*;\s*|\s+(?:og|and|samt|&)\s+")
_RANGE_SEP: Final = _rx(r"\s*-\s*|\s+(?:til|to|until)\s+")
_PARENTHESIS: Final = _rx(r"(?P<main>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*")
_BY_PREFIX: Final = _rx(r"(?:senest|by|no later than|latest)\s+")
# Words that make a text date-like: if it then cannot be read, that is an error, not UNKNOWN.
# Month abbreviations are left out ("Jan" is also a name); "may" is an ordinary word.
_DATE_INFO: Final = _rx(
    r"\d|(?<![a-zæøå])(?:"
    + _alternation(sorted({*_DA_MONTHS, *(m.lower() for m in _EN_MONTHS)} - {"may"}))
    + r"|uge|uger|week|weeks|kvartal|halvår|primo|medio|ultimo|"
    + _alternation([s for s in _SEASONS if s != "fall"])
    + r"|q\d|h\d)(?![a-zæøå])"
)
_TRANSLATE: Final = str.maketrans(
    {
        "–": "-", "—": "-", "‒": "-", "‐": "-", "‑": "-", "−": "-",
        "‘": "'", "’": "'", "´": "'", "`": "'", "′": "'",
        "\u00a0": " ", "\u202f": " ",
    }
)  # fmt: skip


# --------------------------------------------------------------------------- parts


class _NoMatch(Exception):
    """No known date form matches; the caller decides between an error and UNKNOWN."""


_Kind = Literal["day", "week", "month", "pom", "quarter", "half", "season", "poy", "year"]

_BASE_PRECISION: Final[dict[_Kind, Precision]] = {
    "day": Precision.DAY,
    "week": Precision.WEEK,
    "month": Precision.MONTH,
    "pom": Precision.PART_OF_MONTH,
    "quarter": Precision.QUARTER,
    "half": Precision.HALF,
    "season": Precision.SEASON,
    "poy": Precision.PART_OF_YEAR,
    "year": Precision.YEAR,
}
_RANGE_PRECISION: Final[dict[_Kind, Precision]] = {
    "day": Precision.DAY_RANGE,
    "week": Precision.WEEK_RANGE,
    "month": Precision.MONTH_RANGE,
}
_KIND_WORDS: Final[dict[_Kind, str]] = {
    "day": "a day",
    "week": "a week",
    "month": "a month",
    "pom": "a part of a month",
    "quarter": "a quarter",
    "half": "a half-year",
    "season": "a season",
    "poy": "a part of a year",
    "year": "a year",
}


@dataclass(frozen=True, slots=True)
class _Part:
    """One written date before its year is settled (a range has two parts)."""

    kind: _Kind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    n: int = 0  # week, quarter, half, season, or first part of month/year
    n_end: int = 0  # last part of month/year ("medio/ultimo" = 1..2)


class _Reading(NamedTuple):
    earliest: date
    latest: date
    precision: Precision
    year_inferred: bool


def _expand_year(text: str) -> int:
    year = 2000 + int(text) if len(text) == 2 else int(text)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise FuzzyDateError(f"the year {year} is outside {_MIN_YEAR}–{_MAX_YEAR}")
    return year


def _year_of(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    for key in ("year", "yy"):
        value = groups.get(key)
        if value:
            return _expand_year(value)
    return None


def _check(value: int, low: int, high: int, what: str) -> int:
    if not low <= value <= high:
        raise FuzzyDateError(f"there is no {what} {value}")
    return value


def _month_of(m: re.Match[str]) -> int:
    groups = m.groupdict()
    name = groups.get("mon")
    if name:
        return MONTH_WORDS[name]
    return _check(int(m["m"]), 1, 12, "month")


def _parts_of(m: re.Match[str]) -> tuple[int, int]:
    first = _PARTS[m["p1"]]
    last = _PARTS[m["p2"]] if m["p2"] else first
    if last < first:
        raise FuzzyDateError(f"{m['p1']!r} comes after {m['p2']!r}")
    return first, last


def _day(m: re.Match[str]) -> list[_Part]:
    day = _check(int(m["d"]), 1, 31, "day")
    return [_Part("day", _year_of(m), _month_of(m), day)]


def _bare_day(m: re.Match[str]) -> list[_Part]:
    return [_Part("day", None, None, _check(int(m["d"]), 1, 31, "day"))]


def _week(m: re.Match[str]) -> list[_Part]:
    return [_Part("week", _year_of(m), n=_check(int(m["w"]), 1, 53, "week"))]


def _week_range(m: re.Match[str]) -> list[_Part]:
    first = _check(int(m["w1"]), 1, 53, "week")
    last = _check(int(m["w2"]), 1, 53, "week")
    return [_Part("week", None, n=first), _Part("week", _year_of(m), n=last)]


def _part_of_month(m: re.Match[str]) -> list[_Part]:
    first, last = _parts_of(m)
    return [_Part("pom", _year_of(m), _month_of(m), n=first, n_end=last)]


def _part_of_year(m: re.Match[str]) -> list[_Part]:
    first, last = _parts_of(m)
    return [_Part("poy", _year_of(m), n=first, n_end=last)]


def _month(m: re.Match[str]) -> list[_Part]:
    return [_Part("month", _year_of(m), _month_of(m))]


def _quarter(m: re.Match[str]) -> list[_Part]:
    return [_Part("quarter", _year_of(m), n=_check(int(m["n"]), 1, 4, "quarter"))]


def _half(m: re.Match[str]) -> list[_Part]:
    return [_Part("half", _year_of(m), n=_check(int(m["n"]), 1, 2, "half-year"))]


def _season(m: re.Match[str]) -> list[_Part]:
    season = _SEASONS[m["s"]]
    year = _year_of(m)
    if m["y2"]:
        second = _expand_year(m["y2"])
        if season != 3 or year is None or second != year + 1:
            raise FuzzyDateError(
                f"{m['s']} {m['year']}/{m['y2']} is not a winter spanning a new year"
            )
    return [_Part("season", year, n=season)]


def _year(m: re.Match[str]) -> list[_Part]:
    return [_Part("year", _year_of(m))]


_SINGLE_FORMS: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], list[_Part]]], ...]] = (
    (_ISO_DAY, _day),
    (_ISO_WEEK, _week),
    (_NUM_DMY, _day),
    (_NUM_DM, _day),
    (_WEEK_RANGE, _week_range),
    (_WEEK, _week),
    (_DAY_MONTH, _day),
    (_MONTH_DAY, _day),
    (_PART_OF_MONTH, _part_of_month),
    (_PART_OF_YEAR, _part_of_year),
    (_QUARTER, _quarter),
    (_QUARTER_DA, _quarter),
    (_HALF, _half),
    (_HALF_DA, _half),
    (_SEASON_FORM, _season),
    (_MONTH, _month),
    (_YEAR, _year),
    (_BARE_DAY, _bare_day),
)


def _strip_fillers(text: str) -> str:
    """Drop verbs and hedges around the date ("Sendt uge 44", "I september måned")."""
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_FILLER.sub("", text, count=1).strip()
        text = _TRAILING_FILLER.sub("", text).strip()
    return text


def _match_single(text: str) -> list[_Part]:
    for pattern, build in _SINGLE_FORMS:
        m = pattern.fullmatch(text)
        if m:
            return build(m)
    raise _NoMatch(text)


def _parse_expression(text: str) -> list[_Part]:
    """One date or one range "A - B"; the first split where both sides read wins."""
    text = _strip_fillers(text)
    invalid: FuzzyDateError | None = None
    try:
        return _match_single(text)
    except FuzzyDateError as exc:
        invalid = exc
    except _NoMatch:
        pass
    for sep in _RANGE_SEP.finditer(text):
        try:
            left = _match_single(_strip_fillers(text[: sep.start()]))
            right = _match_single(_strip_fillers(text[sep.end() :]))
        except (FuzzyDateError, _NoMatch):
            continue
        if len(left) == 1 and len(right) == 1:
            return [left[0], right[0]]
    if invalid is not None:
        raise invalid
    raise _NoMatch(text)


# --------------------------------------------------------------------------- years


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_span(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    """First day of ``first_month`` to last day of ``last_month`` (may run into next year)."""
    end_year, end_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    return date(year, first_month, 1), date(end_year, end_month, _last_day(end_year, end_month))


def _span(part: _Part, year: int) -> tuple[date, date]:
    """The interval a part denotes in ``year``; FuzzyDateError if that day does not exist."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise FuzzyDateError(f"the year {year} is outside {_MIN_YEAR}–{_MAX_YEAR}")
    if part.kind == "day":
        assert part.month is not None and part.day is not None
        if part.day > _last_day(year, part.month):
            raise FuzzyDateError(f"{_EN_MONTHS[part.month - 1]} {year} has no day {part.day}")
        day = date(year, part.month, part.day)
        return day, day
    if part.kind == "week":
        try:
            monday = date.fromisocalendar(year, part.n, 1)
        except ValueError:
            raise FuzzyDateError(f"{year} has no ISO week {part.n}") from None
        return monday, monday + timedelta(days=6)
    if part.kind == "month":
        assert part.month is not None
        return _month_span(year, part.month, part.month)
    if part.kind == "pom":
        assert part.month is not None
        first_day = (1, 11, 21)[part.n]
        last_day = (10, 20, _last_day(year, part.month))[part.n_end]
        return date(year, part.month, first_day), date(year, part.month, last_day)
    if part.kind == "quarter":
        return _month_span(year, 3 * part.n - 2, 3 * part.n)
    if part.kind == "half":
        return _month_span(year, 6 * part.n - 5, 6 * part.n)
    if part.kind == "season":
        start = _SEASON_START_MONTH[part.n]
        return _month_span(year, start, start + 2)
    if part.kind == "poy":
        return _month_span(year, 4 * part.n + 1, 4 * part.n_end + 4)
    return _month_span(year, 1, 12)


def _assign_years(parts: Sequence[_Part], base_year: int | None) -> list[tuple[date, date]]:
    """Give every part a year: written years spread to neighbours, in reading order.

    A part after a dated one takes its year, or the next when it would otherwise end before
    it ("Uge 47-5", "december–januar 2026" backwards). ``base_year`` is the year of the first
    part when no part has one.
    """
    years: list[int | None] = [p.year for p in parts]
    if base_year is not None and all(y is None for y in years):
        years[0] = base_year
    spans: list[tuple[date, date] | None] = [None] * len(parts)
    for i, part in enumerate(parts):
        year = years[i]
        if year is None and i > 0:
            before, prev_span = years[i - 1], spans[i - 1]
            if before is not None and prev_span is not None:
                year = before
                if _span(part, year)[1] < prev_span[0]:
                    year += 1
        if year is not None:
            years[i], spans[i] = year, _span(part, year)
    for i in range(len(parts) - 1, -1, -1):
        if years[i] is None:
            after = years[i + 1] if i + 1 < len(parts) else None
            next_span = spans[i + 1] if i + 1 < len(parts) else None
            if after is None or next_span is None:
                raise FuzzyDateError("the year is not written and cannot be inferred")
            year = after
            if _span(parts[i], year)[0] > next_span[1]:
                year -= 1
            years[i], spans[i] = year, _span(parts[i], year)
    return [span for span in spans if span is not None]


def infer_year(span_for_year: Callable[[int], tuple[date, date]], context: date) -> int:
    """The year (context's, the one before or after) whose interval lies closest to context.

    "Primo jan." said in late November means next January; "31. august" said on 1 September
    means the day just passed. Years for which the value does not exist (ISO week 53,
    29 February) are skipped; ties go to the context's own year.
    """
    best: tuple[tuple[int, int], int] | None = None
    failure: FuzzyDateError | None = None
    for year in (context.year - 1, context.year, context.year + 1):
        try:
            earliest, latest = span_for_year(year)
        except FuzzyDateError as exc:
            failure = exc
            continue
        if earliest <= context <= latest:
            distance = 0
        else:
            distance = min(abs((earliest - context).days), abs((latest - context).days))
        key = (distance, abs(year - context.year))
        if best is None or key < best[0]:
            best = (key, year)
    if best is None:
        assert failure is not None
        raise failure
    return best[1]


def _overall(spans: Sequence[tuple[date, date]]) -> tuple[date, date]:
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _precision(parts: Sequence[_Part], earliest: date, latest: date) -> Precision:
    kinds = sorted({p.kind for p in parts})
    if len(kinds) > 1:
        mixed = " and ".join(_KIND_WORDS[k] for k in kinds)
        raise FuzzyDateError(f"it mixes {mixed}; write both ends the same way")
    kind = kinds[0]
    if len(parts) == 1 or kind not in _RANGE_PRECISION:
        return _BASE_PRECISION[kind]
    # A range that covers a single unit ("uge 47-47", "1.12.; 1.12.") is that unit.
    if kind == "day" and earliest == latest:
        return Precision.DAY
    if kind == "week" and earliest.isocalendar()[:2] == latest.isocalendar()[:2]:
        return Precision.WEEK
    if kind == "month" and (earliest.year, earliest.month) == (latest.year, latest.month):
        return Precision.MONTH
    return _RANGE_PRECISION[kind]


# --------------------------------------------------------------------------- reading


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE).casefold()
    return re.sub(r"\s+", " ", text).strip()


def _relative_week(text: str, context: date | None) -> _Reading | None:
    offset = _RELATIVE_WEEKS.get(_strip_fillers(text))
    if offset is None:
        return None
    if context is None:
        raise FuzzyDateError("a relative week needs the date it was written")
    monday = context - timedelta(days=context.weekday()) + timedelta(weeks=offset)
    return _Reading(monday, monday + timedelta(days=6), Precision.WEEK, True)


def _read(text: str, context: date | None, year_hint: int | None) -> _Reading:
    """Read normalised text without parentheses: a list of dates or ranges."""
    relative = _relative_week(text, context)
    if relative is not None:
        return relative
    items = [_parse_expression(item) for item in _LIST_SEP.split(text)]
    parts = [part for item in items for part in item]
    # "30. og 31. marts", "14.–30. november": a day without a month takes the next one's.
    for i in range(len(parts) - 2, -1, -1):
        part, following = parts[i], parts[i + 1]
        if part.kind == "day" and part.month is None and following.kind == "day":
            parts[i] = _Part("day", None, following.month, part.day)
    if any(p.kind == "day" and p.month is None for p in parts):
        raise FuzzyDateError("a day is given without a month")
    written = any(p.year is not None for p in parts)
    if written:
        spans = _assign_years(parts, None)
    elif year_hint is not None:
        spans = _assign_years(parts, year_hint)
    elif context is not None:
        year = infer_year(lambda y: _overall(_assign_years(parts, y)), context)
        spans = _assign_years(parts, year)
    else:
        raise FuzzyDateError("the year is not written; a context date or year hint is needed")
    index = 0
    for item in items:
        if len(item) == 2 and spans[index + 1][1] < spans[index][0]:
            raise FuzzyDateError("the range ends before it starts")
        index += len(item)
    earliest, latest = _overall(spans)
    return _Reading(earliest, latest, _precision(parts, earliest, latest), not written)


def _read_with_parenthesis(
    main: str, inner: str, context: date | None, year_hint: int | None
) -> _Reading:
    """Main text with a parenthesis: "1–30 (september 2020)", "uge 47 2025 (17.11.–23.11.2025)".

    When the main text reads on its own, the parenthesis must agree with it (it is our own
    rendering, or a user's clarification); otherwise the two are read together.
    """
    try:
        reading = _read(main, context, year_hint)
    except (FuzzyDateError, _NoMatch) as exc:
        try:
            return _read(f"{main} {inner}", context, year_hint)
        except (FuzzyDateError, _NoMatch):
            if main and _DATE_INFO.search(main):
                raise exc from None
        return _read(inner, context, year_hint)
    if not _DATE_INFO.search(inner):
        return reading
    by_match = _BY_PREFIX.match(inner)
    try:
        check = _read(
            inner[by_match.end() :] if by_match else inner, context, reading.earliest.year
        )
    except _NoMatch:
        raise FuzzyDateError(f"the parenthesis ({inner}) cannot be read") from None
    if by_match:
        agrees = reading.earliest <= check.latest <= reading.latest
    else:
        agrees = check.earliest <= reading.latest and reading.earliest <= check.latest
    if not agrees:
        raise FuzzyDateError(f"the parenthesis ({inner}) contradicts {main!r}")
    return reading


def parse_fuzzy_date(
    raw: str, *, context: date | None = None, year_hint: int | None = None
) -> FuzzyDate | None:
    """Read a date as written in Danish or English, keeping its imprecision.

    Returns None for blank text and an UNKNOWN value for text without any date information
    ("i perioderne op til frozen zone/cut-over"). Text without a year takes ``year_hint``
    (the year of the first date written, as inferred by the data) or else the year nearest
    to ``context`` (the meeting or message date). Raises FuzzyDateError for date-like text
    that cannot be read or names a day, week, quarter… that does not exist.
    """
    text = raw.strip()
    if not text:
        return None
    norm = _normalise(text)
    if _UNDECIDED.match(_strip_fillers(norm)):
        return FuzzyDate(text, None, None, Precision.UNDECIDED)
    try:
        m = _PARENTHESIS.fullmatch(norm)
        if m:
            reading = _read_with_parenthesis(m["main"], m["inner"], context, year_hint)
        else:
            reading = _read(norm, context, year_hint)
    except FuzzyDateError as exc:
        raise FuzzyDateError(f"cannot read {text!r} as a date: {exc}") from None
    except _NoMatch:
        if _DATE_INFO.search(norm):
            raise FuzzyDateError(
                f"cannot read {text!r} as a date: no known date form matches"
            ) from None
        return FuzzyDate(text, None, None, Precision.UNKNOWN)
    return FuzzyDate(text, *reading)


def parse_year_hint(text: str) -> int | None:
    """The first four-digit year in a ``year_inferred`` cell ("2024–2025" -> 2024)."""
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- rendering


def _month_name(day: date, lang: Lang) -> str:
    return _MONTH_NAMES[lang][day.month - 1]


def _abbr(day: date) -> str:
    return _EN_MONTHS[day.month - 1][:3]


def _full_day(day: date, lang: Lang) -> str:
    if lang == "da":
        return f"{day.day}. {_month_name(day, lang)} {day.year}"
    return f"{day.day} {_month_name(day, lang)} {day.year}"


def _short_span(earliest: date, latest: date, lang: Lang) -> str:
    """Compact day span for a parenthesis: "17.11.–23.11.2025" / "17–23 Nov 2025"."""
    if lang == "da":
        if earliest.year == latest.year:
            return f"{earliest:%d.%m.}–{latest:%d.%m.%Y}"
        return f"{earliest:%d.%m.%Y}–{latest:%d.%m.%Y}"
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.day}–{latest.day} {_abbr(latest)} {latest.year}"
    if earliest.year == latest.year:
        return f"{earliest.day} {_abbr(earliest)} – {latest.day} {_abbr(latest)} {latest.year}"
    return (
        f"{earliest.day} {_abbr(earliest)} {earliest.year} – "
        f"{latest.day} {_abbr(latest)} {latest.year}"
    )


def _month_span_text(earliest: date, latest: date, lang: Lang) -> str:
    """ "november–december 2020" / "december 2025 – januar 2026"."""
    first, last = _month_name(earliest, lang), _month_name(latest, lang)
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{first} {earliest.year}"
    if earliest.year == latest.year:
        return f"{first}–{last} {latest.year}"
    return f"{first} {earliest.year} – {last} {latest.year}"


def _parts_label(first: int, last: int, lang: Lang, before_year: bool) -> str:
    names = _PART_NAMES[lang]
    if first == last:
        label = names[first]
        return f"{label}-" if lang == "en" and label == "mid" and before_year else f"{label} "
    joiner = "/" if lang == "da" else "-to-"
    return f"{names[first]}{joiner}{names[last]} "


def _render_day(earliest: date, latest: date, lang: Lang) -> str:
    return _full_day(earliest, lang)


def _render_day_range(earliest: date, latest: date, lang: Lang) -> str:
    dot = "." if lang == "da" else ""
    first, last = _month_name(earliest, lang), _month_name(latest, lang)
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.day}{dot}–{latest.day}{dot} {last} {latest.year}"
    if earliest.year == latest.year:
        return f"{earliest.day}{dot} {first} – {latest.day}{dot} {last} {latest.year}"
    return f"{_full_day(earliest, lang)} – {_full_day(latest, lang)}"


def _render_part_of_month(earliest: date, latest: date, lang: Lang) -> str:
    first, last = min((earliest.day - 1) // 10, 2), min((latest.day - 1) // 10, 2)
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        label = f"{_parts_label(first, last, lang, True)}{_month_name(latest, lang)}"
        text = f"{label} {latest.year}"
    else:
        text = (
            f"{_parts_label(first, first, lang, True)}{_month_name(earliest, lang)} "
            f"{earliest.year} – {_parts_label(last, last, lang, True)}"
            f"{_month_name(latest, lang)} {latest.year}"
        )
    if lang == "da":
        return f"{text} (senest {latest:%d.%m.%Y})"
    return f"{text} (by {latest.day} {_abbr(latest)} {latest.year})"


def _render_week(earliest: date, latest: date, lang: Lang) -> str:
    year, week, _ = earliest.isocalendar()
    word = "uge" if lang == "da" else "week"
    return f"{word} {week} {year} ({_short_span(earliest, latest, lang)})"


def _render_week_range(earliest: date, latest: date, lang: Lang) -> str:
    year1, week1, _ = earliest.isocalendar()
    year2, week2, _ = latest.isocalendar()
    word = "uge" if lang == "da" else "week"
    if year1 == year2:
        plural = "uge" if lang == "da" else "weeks"
        text = f"{plural} {week1}–{week2} {year2}"
    else:
        text = f"{word} {week1} {year1} – {word} {week2} {year2}"
    return f"{text} ({_short_span(earliest, latest, lang)})"


def _render_month(earliest: date, latest: date, lang: Lang) -> str:
    return _month_span_text(earliest, latest, lang)


def _unit_range(earliest: date, latest: date, label: Callable[[date], str]) -> str:
    first, last = label(earliest), label(latest)
    return first if first == last else f"{first} – {last}"


def _render_quarter(earliest: date, latest: date, lang: Lang) -> str:
    return _unit_range(earliest, latest, lambda d: f"Q{(d.month - 1) // 3 + 1} {d.year}")


def _render_half(earliest: date, latest: date, lang: Lang) -> str:
    return _unit_range(earliest, latest, lambda d: f"H{(d.month - 1) // 6 + 1} {d.year}")


def _render_season(earliest: date, latest: date, lang: Lang) -> str:
    def label(day: date) -> str:
        season = ((day.month - 3) % 12) // 3
        name = _SEASON_NAMES[lang][season]
        if season == 3:
            start = day.year if day.month == 12 else day.year - 1
            return f"{name} {start}/{(start + 1) % 100:02d}"
        return f"{name} {day.year}"

    months = _month_span_text(earliest, latest, lang)
    return f"{_unit_range(earliest, latest, label)} ({months})"


def _render_part_of_year(earliest: date, latest: date, lang: Lang) -> str:
    first, last = (earliest.month - 1) // 4, (latest.month - 1) // 4
    if earliest.year == latest.year:
        text = f"{_parts_label(first, last, lang, True)}{latest.year}"
    else:
        text = (
            f"{_parts_label(first, first, lang, True)}{earliest.year} – "
            f"{_parts_label(last, last, lang, True)}{latest.year}"
        )
    return f"{text} ({_month_span_text(earliest, latest, lang)})"


def _render_year(earliest: date, latest: date, lang: Lang) -> str:
    return _unit_range(earliest, latest, lambda d: str(d.year))


_RENDERERS: Final[dict[Precision, Callable[[date, date, Lang], str]]] = {
    Precision.DAY: _render_day,
    Precision.DAY_RANGE: _render_day_range,
    Precision.PART_OF_MONTH: _render_part_of_month,
    Precision.WEEK: _render_week,
    Precision.WEEK_RANGE: _render_week_range,
    Precision.MONTH: _render_month,
    Precision.MONTH_RANGE: _render_month,
    Precision.QUARTER: _render_quarter,
    Precision.HALF: _render_half,
    Precision.SEASON: _render_season,
    Precision.PART_OF_YEAR: _render_part_of_year,
    Precision.YEAR: _render_year,
}


def render_fuzzy_date(fd: FuzzyDate, lang: Lang = "da") -> str:
    """Show a value no more precisely than it was written, with its last possible day.

    Danish: "ultimo januar 2026 (senest 31.01.2026)", "uge 47 2025 (17.11.–23.11.2025)";
    English: "late January 2026 (by 31 Jan 2026)". UNKNOWN values are shown as written.
    """
    if fd.precision is Precision.UNDECIDED:
        return "uafklaret" if lang == "da" else "undecided"
    if fd.earliest is None or fd.latest is None:
        return fd.raw
    return _RENDERERS[fd.precision](fd.earliest, fd.latest, lang)
