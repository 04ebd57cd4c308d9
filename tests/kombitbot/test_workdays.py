"""Danish working days: weekends, public holidays and the days public administration is closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kombitbot.workdays import DanishCalendar, easter_sunday, is_working_day


@pytest.fixture
def cal() -> DanishCalendar:
    return DanishCalendar()


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2025, 11, 22), "Saturday"),
        (date(2025, 11, 23), "Sunday"),
        (date(2026, 4, 2), "Skærtorsdag"),
        (date(2026, 4, 3), "Langfredag"),
        (date(2026, 4, 5), "Påskedag (a Sunday anyway)"),
        (date(2026, 4, 6), "2. påskedag"),
        (date(2026, 5, 14), "Kristi himmelfartsdag"),
        (date(2026, 5, 25), "2. pinsedag"),
        (date(2026, 6, 5), "Grundlovsdag (closed by agreement)"),
        (date(2025, 12, 24), "Juleaftensdag (closed by agreement)"),
        (date(2025, 12, 25), "Juledag"),
        (date(2025, 12, 26), "2. juledag"),
        (date(2025, 12, 31), "Nytårsaftensdag (closed by agreement)"),
        (date(2026, 1, 1), "Nytårsdag"),
        (date(2023, 5, 5), "Store bededag, still a holiday in 2023"),
    ],
)
def test_non_working_days(cal: DanishCalendar, day: date, why: str) -> None:
    assert not cal.is_working_day(day), why
    assert not is_working_day(day), why


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2025, 11, 24), "an ordinary Monday"),
        (date(2026, 4, 1), "Wednesday before Easter"),
        (date(2026, 4, 7), "Tuesday after Easter"),
        (date(2024, 4, 26), "Store bededag's date in 2024: abolished, a working day"),
        (date(2025, 5, 16), "Store bededag's date in 2025: a working day"),
        (date(2025, 12, 23), "Lillejuleaftensdag"),
        (date(2025, 12, 30), "between Christmas and New Year"),
        (date(2026, 1, 2), "the Friday after New Year's Day"),
        (date(2025, 5, 1), "1 May is not a general day off"),
    ],
)
def test_working_days(cal: DanishCalendar, day: date, why: str) -> None:
    assert cal.is_working_day(day), why
    assert is_working_day(day), why


def test_holidays_have_danish_names(cal: DanishCalendar) -> None:
    assert cal.holiday_name(date(2026, 4, 3)) == "Langfredag"
    assert cal.holiday_name(date(2025, 12, 24)) == "Juleaftensdag"
    assert cal.holiday_name(date(2023, 5, 5)) == "Store bededag"
    assert cal.holiday_name(date(2024, 4, 26)) is None
    assert cal.holiday_name(date(2025, 11, 24)) is None


def test_easter_sunday() -> None:
    assert [easter_sunday(y) for y in (2008, 2019, 2024, 2025, 2026, 2038)] == [
        date(2008, 3, 23),
        date(2019, 4, 21),
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2038, 4, 25),
    ]


class TestPreviousAndNext:
    def test_the_day_before_new_years_day_skips_both_new_year_days(
        self, cal: DanishCalendar
    ) -> None:
        # Fri 2 Jan 2026 <- Thu 1 Jan (Nytårsdag) <- Wed 31 Dec (closed) <- Tue 30 Dec.
        assert cal.previous_working_day(date(2026, 1, 2)) == date(2025, 12, 30)

    def test_the_third_working_day_before_new_year(self, cal: DanishCalendar) -> None:
        # Tue 30, Mon 29, (weekend 27–28, 24–26 closed) Tue 23 Dec.
        assert cal.previous_working_day(date(2026, 1, 2), n=3) == date(2025, 12, 23)

    def test_next_working_day_after_christmas(self, cal: DanishCalendar) -> None:
        assert cal.next_working_day(date(2025, 12, 23)) == date(2025, 12, 29)
        assert cal.next_working_day(date(2025, 12, 23), n=3) == date(2026, 1, 2)

    def test_easter_2026(self, cal: DanishCalendar) -> None:
        assert cal.next_working_day(date(2026, 4, 1)) == date(2026, 4, 7)
        assert cal.previous_working_day(date(2026, 4, 7)) == date(2026, 4, 1)

    def test_strictly_before_and_after_even_on_a_working_day(self, cal: DanishCalendar) -> None:
        monday = date(2025, 11, 24)
        assert cal.previous_working_day(monday) == date(2025, 11, 21)
        assert cal.next_working_day(monday) == date(2025, 11, 25)

    @pytest.mark.parametrize("n", [0, -1])
    def test_n_must_be_positive(self, cal: DanishCalendar, n: int) -> None:
        with pytest.raises(ValueError):
            cal.previous_working_day(date(2025, 11, 24), n=n)
        with pytest.raises(ValueError):
            cal.next_working_day(date(2025, 11, 24), n=n)


class TestWorkingDaysBetween:
    def test_counts_after_the_first_up_to_and_including_the_last(self, cal: DanishCalendar) -> None:
        # Mon 29 Dec, Tue 30 Dec, Fri 2 Jan.
        assert cal.working_days_between(date(2025, 12, 23), date(2026, 1, 2)) == 3

    def test_same_day_is_zero_and_reversed_is_negative(self, cal: DanishCalendar) -> None:
        assert cal.working_days_between(date(2025, 11, 24), date(2025, 11, 24)) == 0
        assert cal.working_days_between(date(2025, 11, 28), date(2025, 11, 24)) == -4

    def test_a_plain_week(self, cal: DanishCalendar) -> None:
        assert cal.working_days_between(date(2025, 11, 21), date(2025, 11, 28)) == 5


@given(
    st.dates(date(2015, 1, 1), date(2035, 12, 31)),
    st.integers(1, 30),
)
def test_stepping_n_working_days_is_n_working_days_away(day: date, n: int) -> None:
    cal = DanishCalendar()
    later = cal.next_working_day(day, n)
    earlier = cal.previous_working_day(day, n)
    assert cal.is_working_day(later) and cal.is_working_day(earlier)
    assert cal.working_days_between(day, later) == n
    # (earlier, day] holds the n - 1 working days in between, plus day itself if it is one.
    assert cal.working_days_between(earlier, day) == n - 1 + int(cal.is_working_day(day))
    assert cal.working_days_between(day, earlier) == -cal.working_days_between(earlier, day)


@given(st.dates(date(2015, 1, 1), date(2035, 12, 31)))
def test_weekends_are_never_working_days(day: date) -> None:
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    assert not is_working_day(saturday)
    assert not is_working_day(saturday + timedelta(days=1))
