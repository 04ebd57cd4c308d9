"""Cards show foreign text literally and validate against Adaptive Cards 1.5."""

from __future__ import annotations

import datetime as dt

from dialogs.cards import escape
from dialogs.data_status import data_status_reply
from dialogs.help import help_reply
from dialogs.language import detect_language
from store.overview import DataOverview, StatusDate
from tests.support.cards import assert_valid_card

OVERVIEW = DataOverview(
    municipalities=98,
    klik_tasks=38,
    agreements=38,
    signatures=98,
    frozen_zones=9,
    meetings=12,
    newest_status=StatusDate(dt.date(2025, 11, 20), "20.11.25", "002 | slide"),
    last_import_at=dt.datetime(2025, 11, 25, 8, 0, tzinfo=dt.UTC),
    last_import_label="municipalities.csv, …",
    last_import_kind="builtin",
)


def test_markdown_in_data_is_escaped() -> None:
    assert escape("*fed* [link](http://x) _kursiv_") == r"\*fed\* \[link\](http://x) \_kursiv\_"
    assert escape("- ikke en liste\n1. heller ikke") == "\\- ikke en liste\n1\\. heller ikke"


def test_help_card_is_valid_and_lists_only_built_commands() -> None:
    reply = help_reply(OVERVIEW, dt.date(2025, 11, 25), "da")
    assert reply.card is not None
    assert_valid_card(reply.card)
    assert "hjælp" in reply.text and "datastatus" in reply.text
    assert "afstemning:" in reply.text and "resultater" in reply.text
    assert "abonnér" in reply.text and "mine abonnementer" in reply.text
    assert "kanaler" in reply.text
    english = help_reply(OVERVIEW, dt.date(2025, 11, 25), "en")
    assert "subscribe" in english.text and "my subscriptions" in english.text
    assert "channels" in english.text


def test_old_data_is_called_old() -> None:
    fresh = data_status_reply(OVERVIEW, {}, dt.datetime(2025, 11, 25, 10, tzinfo=dt.UTC), "da")
    stale = data_status_reply(OVERVIEW, {}, dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), "da")
    english = data_status_reply(OVERVIEW, {}, dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), "en")
    assert fresh.card is not None and stale.card is not None
    assert_valid_card(stale.card)
    assert "forældet" not in fresh.text
    assert "12 måneder siden" in stale.text and "forældet" in stale.text
    assert "12 months ago" in english.text and "out of date" in english.text


def test_language_follows_the_words_danish_when_in_doubt() -> None:
    assert detect_language("Hvilke aftaler mangler Vejle at underskrive?") == "da"
    assert detect_language("which agreements does Vejle still need to sign?") == "en"
    assert detect_language("Vejle") == "da"
