"""The daily digest: everything one conversation is reminded of on one day, as one card.

Frozen zones come first, then deadlines by date; each deadline names who still has it open
(missing apart from unknown), how precise the deadline is, whether it falls in a frozen zone
and how old the status is. Cards validate against the Adaptive Card 1.5 schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from dialogs.reply import Language, Reply
from kombitbot.workdays import DanishCalendar
from notifications.digest import (
    REMINDER_DONE,
    REMINDER_SEEN,
    REMINDER_SNOOZE,
    build_digest,
    snooze_until,
)
from notifications.rules import (
    AudienceMatch,
    Subscription,
    audience,
    reminders_due,
)
from store.snapshot import DataSnapshot
from tests.notifications.builders import agreement, snapshot, task, zone
from tests.support.cards import assert_valid_card

D = dt.date
ICS = "https://kombitbot.example/calendar.ics?kommune=Vejle"


def matches(
    snap: DataSnapshot, day: dt.date, subscription: Subscription | None = None
) -> list[AudienceMatch]:
    found = []
    for reminder in reminders_due(snap, day, DanishCalendar()):
        match = audience(reminder, subscription or Subscription.everything(), snap)
        if match is not None:
            found.append(match)
    return found


def digest(
    snap: DataSnapshot,
    day: dt.date,
    subscription: Subscription | None = None,
    *,
    lang: Language = "da",
    ics_url: str | None = None,
) -> Reply:
    reply = build_digest(matches(snap, day, subscription), day, lang=lang, ics_url=ics_url)
    assert reply is not None and reply.card is not None
    assert_valid_card(reply.card)
    return reply


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def buttons(reply: Reply) -> list[tuple[str, Any]]:
    """(title, data or url) of every button on the card, in order."""
    return [
        (node["title"], node.get("data", node.get("url")))
        for node in walk(reply.card)
        if node.get("type") in ("Action.Submit", "Action.OpenUrl")
    ]


def texts(reply: Reply) -> list[str]:
    return [node["text"] for node in walk(reply.card) if node.get("type") == "TextBlock"]


# A zone, a deadline inside it and two outside it, all due on Monday 14 December 2026.
MIXED = snapshot(
    tasks=[
        task(
            "LATER",
            "21.12.2026",
            {"Vejle": "started", "Vejen": "completed"},
            title="Oplær brugere",
            code="U10",
        ),
        task("SOONER", "15.12.2026", title="Afdæk as-is og to-be", code="A11"),
    ],
    agreements=[
        agreement(
            "A1",
            "17.12.2026",
            {"Vejle": "missing", "Vejen": "signed", "Aarhus": "missing", "København": "unknown"},
        )
    ],
    zones=[zone("FZ1", "16.12.2026", "18.12.2026")],
)
MONDAY = D(2026, 12, 14)


def test_nothing_due_means_no_message() -> None:
    assert build_digest([], MONDAY) is None


def test_frozen_zones_first_then_deadlines_by_date() -> None:
    reply = digest(MIXED, MONDAY)
    text = reply.text
    assert text.splitlines()[0] == "Påmindelser – mandag 14. december 2026"
    order = [
        "Frozen zone om 2 arbejdsdage: Serviceplatformen PRODUKTION",
        "Frister",
        "Tirsdag 15. december 2026 (i morgen)",
        "KLIK-opgave: SAPA A11 – Afdæk as-is og to-be",
        "Mandag 21. december 2026 (om 7 dage)",
        "KLIK-opgave: SAPA U10 – Oplær brugere",
    ]
    positions = [text.index(line) for line in order]
    assert positions == sorted(positions)
    # The card says the same in the same order.
    card_text = "\n".join(texts(reply))
    assert [card_text.index(line) for line in order] == sorted(
        card_text.index(line) for line in order
    )


def test_a_deadline_lists_who_is_open_with_missing_apart_from_unknown() -> None:
    day = D(2026, 12, 10)  # 7 days before the agreement's deadline
    reply = digest(MIXED, day)
    assert "Mangler underskrift (2): Aarhus, Vejle" in reply.text
    assert "Status ukendt (1): København" in reply.text
    assert "Vejen" not in reply.text  # signed: not named


def test_a_task_says_ikke_fuldført_and_leaves_out_who_completed() -> None:
    reply = digest(MIXED, MONDAY)
    assert "Ikke fuldført (1): Vejle" in reply.text
    assert "Status ukendt (2): Aarhus, København" in reply.text


def test_a_deadline_without_any_status_list_says_the_status_is_unknown() -> None:
    reply = digest(MIXED, MONDAY, Subscription.for_solution("sapa"))
    assert "Status ukendt (ingen liste pr. kommune): Aarhus, København, Vejen, Vejle" in reply.text


def test_a_deadline_in_a_frozen_zone_warns() -> None:
    reply = digest(MIXED, D(2026, 12, 10))
    assert (
        "Advarsel: fristen falder i en frozen zone – Serviceplatformen PRODUKTION "
        "(frozen zone, 16.12.2026–18.12.2026). Nå det før 16.12.2026 (træk rapporter senest 15.12.2026)."
    ) in reply.text
    containers = [n for n in walk(reply.card) if n.get("type") == "Container"]
    warned = [c for c in containers if any("Advarsel" in t.get("text", "") for t in c["items"])]
    assert [c["style"] for c in warned] == ["attention"]


def test_an_exact_deadline_says_so_and_a_fuzzy_one_says_senest() -> None:
    snap = snapshot(tasks=[task("T1", "Ultimo Jan. 2026"), task("T2", "30.01.2026", code="K50")])
    reply = digest(snap, D(2026, 1, 23))
    assert (
        "Fristen er »Ultimo Jan. 2026« – senest lørdag 31. januar 2026. Upræcis frist "
        "(del af en måned): påmindelsen regner med den senest mulige dag."
    ) in reply.text
    assert "Frist: fredag 30. januar 2026 (præcis dato)." in reply.text


def test_the_status_date_and_its_age_are_given() -> None:
    reply = digest(MIXED, D(2026, 12, 10))
    assert "Status opgjort 20.11.25 (" in reply.text
    assert "kan være forældet" in reply.text  # a year old by December 2026
    fresh = digest(
        snapshot(agreements=[agreement("A1", "15.12.2025", {"Vejle": "missing"})]), D(2025, 12, 8)
    )
    assert "Status opgjort 20.11.25 (3 uger siden)." in fresh.text  # 18 days, as babel rounds
    assert "forældet" not in fresh.text


def test_a_frozen_zone_notice_says_what_cannot_be_done_and_when_to_pull_reports() -> None:
    reply = digest(MIXED, MONDAY)
    assert "Periode: onsdag 16. december 2026 – fredag 18. december 2026." in reply.text
    assert (
        "Træk rapporter før frozen zone starter – senest tirsdag 15. december 2026." in reply.text
    )
    assert (
        "I frozen zone kan kommunen IKKE:\n- oprette og administrere serviceaftaler\n- trække rapporter"
        in reply.text
    )
    assert "Der er lukket for log-in til Fælleskommunalt Administrationsmodul." in reply.text


def test_a_frozen_zone_end_notice() -> None:
    reply = digest(MIXED, D(2026, 12, 21))
    assert "Frozen zone er slut: Serviceplatformen PRODUKTION" in reply.text
    assert "IKKE" not in reply.text
    assert (
        "Set",
        {"kombitbot": REMINDER_SEEN, "item": "frozen_zone", "key": "FZ1", "occasion": "end"},
    ) in buttons(reply)


def test_buttons_carry_the_documented_data() -> None:
    reply = digest(MIXED, MONDAY, ics_url=ICS)
    assert buttons(reply) == [
        (
            "Set",
            {"kombitbot": REMINDER_SEEN, "item": "frozen_zone", "key": "FZ1", "occasion": "2wd"},
        ),
        ("Markér som fuldført", {"kombitbot": REMINDER_DONE, "item": "task", "key": "SOONER"}),
        # Next Monday (21 Dec) is after the deadline (15 Dec): no snooze offered.
        ("Markér som fuldført", {"kombitbot": REMINDER_DONE, "item": "task", "key": "LATER"}),
        (
            "Påmind mig igen mandag",
            {"kombitbot": REMINDER_SNOOZE, "item": "task", "key": "LATER", "until": "2026-12-21"},
        ),
        ("Abonnér i Outlook", ICS),
    ]
    assert f"Abonnér i Outlook: {ICS}" in reply.text


def test_an_agreement_button_says_vi_har_underskrevet_and_no_ics_button_without_a_url() -> None:
    reply = digest(MIXED, D(2026, 12, 10), Subscription.for_solution("flis"))
    assert buttons(reply) == [
        ("Vi har underskrevet", {"kombitbot": REMINDER_DONE, "item": "agreement", "key": "A1"}),
        (
            "Påmind mig igen mandag",
            {"kombitbot": REMINDER_SNOOZE, "item": "agreement", "key": "A1", "until": "2026-12-14"},
        ),
    ]


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (D(2026, 12, 10), D(2026, 12, 14)),
        (D(2026, 12, 14), D(2026, 12, 21)),
        (D(2026, 12, 18), D(2026, 12, 21)),
    ],
)
def test_snooze_means_the_next_monday(day: dt.date, monday: dt.date) -> None:
    assert snooze_until(day) == monday


def test_data_text_is_escaped_on_the_card_and_literal_in_the_text() -> None:
    snap = snapshot(tasks=[task("T1", "15.12.2026", title="Opdatér *alle* [roller](http://x)")])
    reply = digest(snap, D(2026, 12, 8))
    assert "Opdatér *alle* [roller](http://x)" in reply.text
    assert any(r"Opdatér \*alle\* \[roller\](http://x)" in t for t in texts(reply))


def test_english_on_request() -> None:
    reply = digest(MIXED, D(2026, 12, 10), lang="en", ics_url=ICS)
    assert reply.text.startswith("Reminders – Thursday 10 December 2026")
    assert "Signature missing (2): Aarhus, Vejle" in reply.text
    assert "Status unknown (1): København" in reply.text
    assert "Warning: the deadline falls in a frozen zone" in reply.text
    titles = [title for title, _data in buttons(reply)]
    assert "We have signed" in titles and "Remind me again on Monday" in titles
    assert titles[-1] == "Subscribe in Outlook"


# --- the real dataset ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize(
    "day",
    [
        D(2025, 12, 8),
        D(2025, 12, 12),
        D(2025, 12, 23),
        D(2020, 10, 13),
        D(2020, 10, 30),
        D(2021, 1, 4),
    ],
)
def test_real_data_digests_are_valid_cards(
    builtin_snapshot: DataSnapshot, day: dt.date, lang: Language
) -> None:
    reply = digest(builtin_snapshot, day, lang=lang, ics_url=ICS)
    assert reply.text == reply.card["fallbackText"]  # type: ignore[index]


def test_real_data_the_day_before_the_data_standards_deadline(
    builtin_snapshot: DataSnapshot,
) -> None:
    reply = digest(builtin_snapshot, D(2025, 12, 12))
    assert "Aftale: K-aftalen for datastandard service: Tilslutningsaftale" in reply.text
    assert "Mangler underskrift (83): Aabenraa, Aalborg, Aarhus, Albertslund" in reply.text
    assert "Status opgjort 20.11.25 (3 uger siden)." in reply.text
    assert (
        "Status ukendt for 98 kommuner – der findes ingen liste pr. kommune." in reply.text
    )  # ADG_0
    personal = digest(builtin_snapshot, D(2025, 12, 12), Subscription.for_municipalities("Vejle"))
    assert "Mangler underskrift (1): Vejle" in personal.text
    assert "Aabenraa" not in personal.text


def test_real_data_the_frozen_zone_warning_before_the_2020_move(
    builtin_snapshot: DataSnapshot,
) -> None:
    reply = digest(builtin_snapshot, D(2020, 10, 13), Subscription.zones_only())
    assert "Frozen zone om 14 arbejdsdage: Serviceplatformen PRODUKTION" in reply.text
    assert "de præcise dage kendes ikke (tidligst fra søndag 1. november 2020" in reply.text
    assert "Træk rapporter før frozen zone starter – senest fredag 30. oktober 2020." in reply.text
    assert "- trække rapporter fra brugergrænsefladen (så gør det før frozen-zone)" in reply.text
