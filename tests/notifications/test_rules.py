"""What is due on a day: the reminder rules of issue #4, as a specification.

Deadlines are reminded 7 calendar days and 1 working day before; frozen zones 14 and 2
working days before they start, on the start day, and on the first working day after they
end. A reminder that would land on a weekend or a Danish holiday moves to the last working
day before it. Fuzzy deadlines count from their latest possible day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kombitbot.workdays import DanishCalendar
from notifications.rules import (
    DueReminder,
    ReminderRules,
    Subscription,
    audience,
    reminders_due,
    upcoming_reminders,
)
from store.snapshot import DataSnapshot, StatusCounts
from tests.notifications.builders import agreement, everyone, snapshot, task, zone

D = dt.date


def due(snap: DataSnapshot, day: dt.date, rules: ReminderRules | None = None) -> list[DueReminder]:
    return reminders_due(snap, day, DanishCalendar(), rules)


def schedule(snap: DataSnapshot, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str]]:
    """(send day, key, occasion) for everything between start and end."""
    return [
        (r.day, r.key, r.occasion) for r in upcoming_reminders(snap, start, end, DanishCalendar())
    ]


# --- deadlines: a week before and the working day before ------------------------------------


def test_a_deadline_is_reminded_seven_days_and_one_working_day_before() -> None:
    snap = snapshot(agreements=[agreement("A1", "15.12.2025", {"Vejle": "missing"})])
    assert schedule(snap, D(2025, 11, 1), D(2025, 12, 31)) == [
        (D(2025, 12, 8), "A1", "7d"),
        (D(2025, 12, 12), "A1", "1wd"),  # Monday's deadline: reminded on Friday
    ]
    (reminder,) = due(snap, D(2025, 12, 8))
    assert (reminder.rule, reminder.kind, reminder.target_day) == (
        "deadline",
        "agreement",
        D(2025, 12, 15),
    )
    assert not reminder.fuzzy
    assert due(snap, D(2025, 12, 9)) == []


def test_a_reminder_due_on_a_weekend_after_new_year_moves_to_30_december() -> None:
    # 2 Jan 2027 is a Saturday; 1 Jan and 31 Dec are not working days either.
    snap = snapshot(tasks=[task("T1", "09.01.2027")])
    assert [r.occasion for r in due(snap, D(2026, 12, 30))] == ["7d"]
    assert due(snap, D(2027, 1, 2)) == []
    assert due(snap, D(2026, 12, 31)) == []


def test_the_working_day_before_a_monday_after_new_year_is_30_december() -> None:
    snap = snapshot(tasks=[task("T1", "04.01.2027")])
    assert ("1wd", D(2026, 12, 30)) in [(r.occasion, r.day) for r in due(snap, D(2026, 12, 30))]


def test_a_reminder_due_at_christmas_moves_before_juleaftensdag() -> None:
    # 7 days before 2 Jan 2026 is 2. juledag; 24, 25 and 26 December are not working days.
    snap = snapshot(tasks=[task("T1", "02.01.2026")])
    assert schedule(snap, D(2025, 12, 1), D(2026, 1, 2)) == [
        (D(2025, 12, 23), "T1", "7d"),
        (D(2025, 12, 30), "T1", "1wd"),
    ]


def test_a_passed_deadline_produces_nothing() -> None:
    snap = snapshot(tasks=[task("T1", "05.12.2025")])
    assert due(snap, D(2025, 12, 8)) == []
    assert schedule(snap, D(2025, 12, 6), D(2026, 12, 31)) == []


def test_undated_and_undecided_deadlines_are_never_reminded() -> None:
    snap = snapshot(
        tasks=[task("T1", None)], agreements=[agreement("A1", "Uafklaret", solution="flis")]
    )
    assert schedule(snap, D(2020, 1, 1), D(2030, 12, 31)) == []


def test_a_fuzzy_deadline_counts_from_its_latest_day_and_says_so() -> None:
    # "Ultimo Jan." = 21–31 January 2026; the 31st is a Saturday, so is the 24th.
    snap = snapshot(tasks=[task("T1", "Ultimo Jan.")])
    assert schedule(snap, D(2026, 1, 1), D(2026, 2, 28)) == [
        (D(2026, 1, 23), "T1", "7d"),
        (D(2026, 1, 30), "T1", "1wd"),
    ]
    (reminder,) = due(snap, D(2026, 1, 23))
    assert reminder.fuzzy
    assert reminder.target_day == D(2026, 1, 31)
    assert reminder.deadline is not None and reminder.deadline.raw == "Ultimo Jan."


# --- who is listed ---------------------------------------------------------------------------


def test_only_municipalities_still_open_are_listed_missing_apart_from_unknown() -> None:
    snap = snapshot(
        agreements=[
            agreement(
                "A1", "15.12.2025", {"Vejle": "missing", "Vejen": "signed", "Aarhus": "unknown"}
            )
        ]
    )
    (reminder,) = due(snap, D(2025, 12, 8))
    assert reminder.missing == ("Vejle",)
    assert reminder.unknown == ("Aarhus", "København")  # København is on no list at all
    assert reminder.has_status_list
    assert (reminder.status_as_of, reminder.status_as_of_raw) == (D(2025, 11, 20), "20.11.25")


def test_a_task_is_open_until_completed() -> None:
    snap = snapshot(
        tasks=[
            task(
                "T1",
                "15.12.2025",
                {
                    "Vejle": "started",
                    "Vejen": "not_started",
                    "Aarhus": "completed",
                    "København": "completed",
                },
            )
        ]
    )
    (reminder,) = due(snap, D(2025, 12, 8))
    assert reminder.missing == ("Vejen", "Vejle")
    assert reminder.unknown == ()


@pytest.mark.parametrize(
    "snap",
    [
        snapshot(agreements=[agreement("A1", "15.12.2025", everyone("signed"))]),
        snapshot(tasks=[task("T1", "15.12.2025", everyone("completed"))]),
        snapshot(
            tasks=[
                task(
                    "T1",
                    "15.12.2025",
                    counts=[StatusCounts(4, 0, 0, D(2025, 11, 20), "20.11.25", "")],
                )
            ]
        ),
    ],
    ids=["all signed", "all completed", "counts say all completed"],
)
def test_nothing_is_sent_when_everybody_is_done(snap: DataSnapshot) -> None:
    assert schedule(snap, D(2025, 11, 1), D(2025, 12, 31)) == []


def test_a_deadline_nobody_has_a_status_for_is_still_reminded_as_unknown() -> None:
    snap = snapshot(tasks=[task("T1", "15.12.2025")])
    (reminder,) = due(snap, D(2025, 12, 8))
    assert not reminder.has_status_list
    assert reminder.missing == ()
    assert reminder.unknown == ("Aarhus", "København", "Vejen", "Vejle")


def test_an_agreement_signed_through_its_klik_task_is_reminded_once_as_the_task() -> None:
    snap = snapshot(
        tasks=[task("T1", "05.12.2025", title="FLIS: Underskriv ny databehandleraftale")],
        agreements=[agreement("A1", "05.12.25", related_task="T1")],
    )
    assert [(r.kind, r.key) for r in due(snap, D(2025, 11, 28))] == [("task", "T1")]


# --- frozen zones ----------------------------------------------------------------------------


def test_a_frozen_zone_is_announced_14_and_2_working_days_before_at_start_and_at_the_end() -> None:
    snap = snapshot(zones=[zone("FZ1", "14.12.2026", "18.12.2026")])
    assert schedule(snap, D(2026, 11, 1), D(2027, 1, 31)) == [
        (D(2026, 11, 24), "FZ1", "14wd"),
        (D(2026, 12, 10), "FZ1", "2wd"),
        (D(2026, 12, 14), "FZ1", "start"),
        (D(2026, 12, 21), "FZ1", "end"),  # the first working day after the last frozen day
    ]
    (notice,) = due(snap, D(2026, 12, 10))
    assert notice.zone is not None
    assert notice.zone.reports_before == D(2026, 12, 11)  # last working day before the start
    assert notice.zone.blocked_actions[0] == "oprette og administrere serviceaftaler"
    assert notice.missing == notice.unknown == ()


def test_a_zone_starting_on_a_holiday_is_announced_on_the_working_day_before() -> None:
    snap = snapshot(zones=[zone("FZ1", "01.01.2027", "08.01.2027")])
    starts = [
        r
        for r in upcoming_reminders(snap, D(2026, 12, 1), D(2027, 1, 31), DanishCalendar())
        if r.occasion == "start"
    ]
    assert [(r.day, r.target_day) for r in starts] == [(D(2026, 12, 30), D(2027, 1, 1))]


def test_a_fuzzy_zone_is_taken_at_its_widest() -> None:
    # "November 2020 – December 2020": may start 1 Nov (a Sunday), may last until 31 Dec.
    snap = snapshot(zones=[zone("FZ1", "November 2020", "December 2020")])
    assert schedule(snap, D(2020, 10, 1), D(2021, 1, 31)) == [
        (D(2020, 10, 13), "FZ1", "14wd"),
        (D(2020, 10, 29), "FZ1", "2wd"),
        (D(2020, 10, 30), "FZ1", "start"),
        (D(2021, 1, 4), "FZ1", "end"),
    ]


def test_only_closing_kinds_with_dates_are_announced() -> None:
    snap = snapshot(
        zones=[
            zone("CUT", "14.12.2026", "18.12.2026", kind="cut-over"),
            zone("SV", "14.12.2026", "14.12.2026", kind="servicevindue"),
            zone("TBA", None, None, kind="frozen zone"),
        ]
    )
    assert {
        r.key for r in upcoming_reminders(snap, D(2026, 1, 1), D(2027, 12, 31), DanishCalendar())
    } == {"CUT"}
    rules = ReminderRules(frozen_zone_kinds=frozenset({"servicevindue"}))
    keys = {
        r.key
        for r in upcoming_reminders(snap, D(2026, 1, 1), D(2027, 12, 31), DanishCalendar(), rules)
    }
    assert keys == {"SV"}


def test_a_deadline_inside_a_frozen_zone_warns_in_both_reminders() -> None:
    snap = snapshot(
        tasks=[task("IN", "16.12.2026"), task("OUT", "08.01.2027")],
        zones=[zone("FZ1", "14.12.2026", "18.12.2026")],
    )
    reminders = [
        r
        for r in upcoming_reminders(snap, D(2026, 11, 1), D(2027, 1, 31), DanishCalendar())
        if r.rule == "deadline"
    ]
    inside = {(r.key, r.occasion): [z.key for z in r.inside_zones] for r in reminders}
    assert inside == {
        ("IN", "7d"): ["FZ1"],
        ("IN", "1wd"): ["FZ1"],
        ("OUT", "7d"): [],
        ("OUT", "1wd"): [],
    }


def test_a_fuzzy_deadline_that_may_fall_in_a_zone_warns() -> None:
    snap = snapshot(
        tasks=[task("T1", "Medio/ultimo dec 2026")], zones=[zone("FZ1", "14.12.2026", "18.12.2026")]
    )
    (reminder,) = due(snap, D(2026, 12, 23))  # 7 days before 31 Dec is 24 Dec: moved to the 23rd
    assert [z.key for z in reminder.inside_zones] == ["FZ1"]


# --- order, options, identity ----------------------------------------------------------------


def test_frozen_zones_come_first_then_deadlines_soonest_first() -> None:
    snap = snapshot(
        tasks=[
            task("LATER", "21.12.2026", title="A task due later"),
            task("SOONER", "15.12.2026", title="Z task due sooner"),
        ],
        zones=[zone("FZ1", "16.12.2026", "18.12.2026")],
    )
    # Monday 14 December: the zone is 2 working days away, SOONER is due tomorrow,
    # LATER in 7 days.
    assert [(r.key, r.occasion) for r in due(snap, D(2026, 12, 14))] == [
        ("FZ1", "2wd"),
        ("SOONER", "1wd"),
        ("LATER", "7d"),
    ]


def test_offsets_are_configurable_and_a_collision_keeps_the_nearer_reminder() -> None:
    snap = snapshot(tasks=[task("T1", "15.12.2026")])  # a Tuesday
    rules = ReminderRules(deadline_days_before=(1, 14), deadline_working_days_before=(1,))
    assert [
        (r.day, r.occasion)
        for r in upcoming_reminders(snap, D(2026, 11, 1), D(2026, 12, 31), DanishCalendar(), rules)
    ] == [
        (D(2026, 12, 1), "14d"),
        (D(2026, 12, 14), "1wd"),  # "1d" lands on the same Monday: sent once
    ]
    with pytest.raises(ValueError):
        ReminderRules(deadline_days_before=(0,))


def test_every_reminder_has_a_stable_identity_for_the_delivery_ledger() -> None:
    snap = snapshot(tasks=[task("T1", "15.12.2026")])
    (reminder,) = due(snap, D(2026, 12, 8))
    assert reminder.identity == "deadline:task:T1:7d:2026-12-15"
    assert due(snap, D(2026, 12, 8)) == [reminder]  # pure: the same answer every time


# --- the audience filter ---------------------------------------------------------------------


@pytest.fixture
def standards() -> tuple[DataSnapshot, DueReminder]:
    snap = snapshot(
        agreements=[
            agreement(
                "A1",
                "15.12.2025",
                {"Vejle": "missing", "Vejen": "signed", "Aarhus": "missing"},
                solution="flis",
            )
        ],
        zones=[zone("FZ1", "05.01.2026", "09.01.2026")],
    )
    reminders = upcoming_reminders(snap, D(2025, 12, 1), D(2025, 12, 31), DanishCalendar())
    (deadline,) = [r for r in reminders if r.kind == "agreement" and r.occasion == "7d"]
    return snap, deadline


def test_everything_lists_every_open_municipality(
    standards: tuple[DataSnapshot, DueReminder],
) -> None:
    snap, reminder = standards
    match = audience(reminder, Subscription.everything(), snap)
    assert match is not None
    assert match.missing == ("Aarhus", "Vejle")
    assert match.unknown == ("København",)
    assert match.municipalities == ("Aarhus", "København", "Vejle")


def test_a_programme_leader_is_reminded_only_while_their_municipality_is_open(
    standards: tuple[DataSnapshot, DueReminder],
) -> None:
    snap, reminder = standards
    vejle = audience(reminder, Subscription.for_municipalities("Vejle"), snap)
    assert vejle is not None and vejle.municipalities == ("Vejle",)
    assert audience(reminder, Subscription.for_municipalities("Vejen"), snap) is None  # signed
    kbh = audience(reminder, Subscription.for_municipalities("København"), snap)
    assert kbh is not None and (kbh.missing, kbh.unknown) == ((), ("København",))


def test_a_region_lists_only_its_own_municipalities(
    standards: tuple[DataSnapshot, DueReminder],
) -> None:
    snap, reminder = standards
    match = audience(reminder, Subscription.for_region("Syddanmark"), snap)
    assert match is not None and match.municipalities == ("Vejle",)
    assert audience(reminder, Subscription.for_region("Nordjylland"), snap) is None


def test_a_solution_subscription_gets_only_that_solution(
    standards: tuple[DataSnapshot, DueReminder],
) -> None:
    snap, reminder = standards
    assert audience(reminder, Subscription.for_solution("flis"), snap) is not None
    assert audience(reminder, Subscription.for_solution("sapa"), snap) is None


def test_frozen_zones_only_gets_zones_and_zones_concern_everybody(
    standards: tuple[DataSnapshot, DueReminder],
) -> None:
    snap, reminder = standards
    assert audience(reminder, Subscription.zones_only(), snap) is None
    (notice,) = [r for r in due(snap, D(2026, 1, 5)) if r.occasion == "start"]
    for subscription in (Subscription.zones_only(), Subscription.for_municipalities("Vejen")):
        match = audience(notice, subscription, snap)
        assert match is not None and match.municipalities == ()
    assert audience(notice, Subscription.for_solution("sp"), snap) is not None
    assert audience(notice, Subscription.for_solution("flis"), snap) is None


# --- the real dataset ------------------------------------------------------------------------


def test_real_data_the_standards_agreement_lists_the_83_that_have_not_signed(
    builtin_snapshot: DataSnapshot, calendar: DanishCalendar
) -> None:
    reminders = reminders_due(builtin_snapshot, D(2025, 12, 8), calendar)
    (standards,) = [r for r in reminders if r.key == "A002-01"]
    assert standards.occasion == "7d" and standards.target_day == D(2025, 12, 15)
    assert len(standards.missing) == 83 and standards.unknown == ()
    assert "Albertslund" in standards.missing
    assert standards.status_as_of_raw == "20.11.25"
    assert "»Danmarkskort – TILSLUTNING TRE DATASTANDARDER«" in standards.source
    vejle = audience(standards, Subscription.for_municipalities("Vejle"), builtin_snapshot)
    assert vejle is not None and vejle.missing == ("Vejle",)


def test_real_data_december_2025(builtin_snapshot: DataSnapshot, calendar: DanishCalendar) -> None:
    reminders = upcoming_reminders(builtin_snapshot, D(2025, 12, 1), D(2025, 12, 31), calendar)
    keys = {(r.key, r.occasion, r.day) for r in reminders}
    # ADG_0 (15.12.2025) has no status list: reminded, everybody unknown.
    assert ("T002-07", "1wd", D(2025, 12, 12)) in keys
    adg = next(r for r in reminders if r.key == "T002-07")
    assert not adg.has_status_list and len(adg.unknown) == 98
    # FLIS is signed through its KLIK task: the task is reminded, not the agreement as well.
    assert ("T002-06", "1wd", D(2025, 12, 4)) in keys
    assert not any(r.key == "A002-09" for r in reminders)
    # "Medio/ultimo dec" counts from 31 December; 24 Dec is a holiday, so the 23rd.
    sapa = [r for r in reminders if r.key == "T002-08"]
    assert [(r.occasion, r.day) for r in sapa] == [
        ("7d", D(2025, 12, 23)),
        ("1wd", D(2025, 12, 30)),
    ]
    assert all(r.fuzzy and r.target_day == D(2025, 12, 31) for r in sapa)
    # Undecided deadlines ("Uafklaret") are never reminded.
    assert not any(r.key in {"A002-10", "A002-11", "A002-12"} for r in reminders)


def test_real_data_the_2020_serviceplatform_move(
    builtin_snapshot: DataSnapshot, calendar: DanishCalendar
) -> None:
    reminders = upcoming_reminders(builtin_snapshot, D(2020, 10, 1), D(2021, 1, 31), calendar)
    prod = [(r.occasion, r.day) for r in reminders if r.key == "FZ-03"]
    assert prod == [
        ("14wd", D(2020, 10, 13)),
        ("2wd", D(2020, 10, 29)),
        ("start", D(2020, 10, 30)),
        ("end", D(2021, 1, 4)),
    ]
    notice = next(r for r in reminders if r.key == "FZ-03")
    assert notice.zone is not None and len(notice.zone.blocked_actions) == 7
    # Transitions announced without dates and past service windows are not notified.
    everything = upcoming_reminders(builtin_snapshot, D(2019, 1, 1), D(2030, 12, 31), calendar)
    assert not {"FZ-05", "FZ-06", "FZ-07", "FZ-08", "FZ-09"} & {r.key for r in everything}
