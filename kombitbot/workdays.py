"""Danish working days, for reminders ("a week before", "the day before") and deadlines.

A working day is Monday–Friday and not a holiday. The public holidays come from the
``holidays`` package (country "DK"), with two corrections so the answer does not depend on
the package version:

* Juleaftensdag (24 Dec), Nytårsaftensdag (31 Dec) and Grundlovsdag (5 June) are not
  public holidays by law, but Danish public administration (municipalities, KOMBIT) is
  closed on them by agreement, so reminders must not land there. ``holidays`` files them
  under the optional category, which is not loaded, so they are added explicitly.
* Store bededag was abolished by law in 2023 with effect from 2024: a holiday up to 2023
  only, whatever the installed package says.

Every other official holiday (Nytårsdag, Skærtorsdag, Langfredag, Påskedag, 2. påskedag,
Kristi himmelfartsdag, Pinsedag, 2. pinsedag, Juledag, 2. juledag) is also computed here from
the date of Easter and merged in, for the same reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final

import holidays

__all__ = ["DanishCalendar", "danish_holidays", "easter_sunday", "is_working_day"]

_LAST_STORE_BEDEDAG_YEAR: Final = 2023
_STORE_BEDEDAG: Final = "Store bededag"
# Days relative to Easter Sunday.
_EASTER_OFFSETS: Final[tuple[tuple[int, str], ...]] = (
    (-3, "Skærtorsdag"),
    (-2, "Langfredag"),
    (0, "Påskedag"),
    (1, "2. påskedag"),
    (39, "Kristi himmelfartsdag"),
    (49, "Pinsedag"),
    (50, "2. pinsedag"),
)
_FIXED: Final[tuple[tuple[int, int, str], ...]] = (
    (1, 1, "Nytårsdag"),
    (6, 5, "Grundlovsdag"),
    (12, 24, "Juleaftensdag"),
    (12, 25, "Juledag"),
    (12, 26, "2. juledag"),
    (12, 31, "Nytårsaftensdag"),
)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def danish_holidays(year: int) -> Mapping[date, str]:
    """All non-working holidays of ``year`` with Danish names (see the module docstring)."""
    official = holidays.country_holidays("DK", years=year, language="da")
    days: dict[date, str] = {day: str(name) for day, name in official.items()}
    easter = easter_sunday(year)
    store_bededag = easter + timedelta(days=26)
    if year > _LAST_STORE_BEDEDAG_YEAR:
        days.pop(store_bededag, None)
    else:
        days.setdefault(store_bededag, _STORE_BEDEDAG)
    for offset, name in _EASTER_OFFSETS:
        days.setdefault(easter + timedelta(days=offset), name)
    for month, day, name in _FIXED:
        days.setdefault(date(year, month, day), name)
    return MappingProxyType(days)


def is_working_day(day: date) -> bool:
    """Monday–Friday and not a Danish holiday; for repeated use, prefer DanishCalendar."""
    return day.weekday() < 5 and day not in danish_holidays(day.year)


class DanishCalendar:
    """Working-day arithmetic with the holidays of each year computed once.

    Construct one where it is needed (or inject it); there is deliberately no shared
    module-level instance.
    """

    __slots__ = ("_by_year",)

    def __init__(self) -> None:
        self._by_year: dict[int, Mapping[date, str]] = {}

    def holidays(self, year: int) -> Mapping[date, str]:
        """The non-working holidays of ``year`` (cached)."""
        found = self._by_year.get(year)
        if found is None:
            found = self._by_year[year] = danish_holidays(year)
        return found

    def holiday_name(self, day: date) -> str | None:
        """Danish name of the holiday on ``day``, or None."""
        return self.holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday–Friday and not a holiday."""
        return day.weekday() < 5 and day not in self.holidays(day.year)

    def previous_working_day(self, day: date, n: int = 1) -> date:
        """The n-th working day strictly before ``day`` ("the day before" a deadline)."""
        return self._step(day, n, -1)

    def next_working_day(self, day: date, n: int = 1) -> date:
        """The n-th working day strictly after ``day``."""
        return self._step(day, n, 1)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` < ``a``.

        So ``working_days_between(d, next_working_day(d, n)) == n``: "due in n working days".
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(
            1 for offset in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(offset))
        )

    def _step(self, day: date, n: int, direction: int) -> date:
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        current = day
        while n:
            current += timedelta(days=direction)
            if self.is_working_day(current):
                n -= 1
        return current
