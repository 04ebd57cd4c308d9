"""Poll cards and exports, built from poll views (pure: no database, no Teams)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from dialogs.polls.cards import form_card, percent, poll_card, text_bar, trend_reply
from dialogs.polls.export import to_csv, to_xlsx
from store.polls import NamedVote, OptionView, PollView, QuestionView
from tests.support.cards import assert_valid_card, assert_valid_teams_card

TZ = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2025, 11, 25, 10, 0, tzinfo=TZ)


def view(**changes: object) -> PollView:
    question = QuestionView(
        id=1,
        text="Frokost *nu*?",
        options=(OptionView(1, "Ja", None, 2), OptionView(2, "Nej", None, 1)),
        answered=3,
    )
    values: dict[str, object] = {
        "id": "p1",
        "kind": "choice",
        "lang": "da",
        "title": "Frokost *nu*?",
        "multiple": False,
        "anonymous": True,
        "results_hidden": False,
        "conversation_id": "c",
        "conversation_type": "groupChat",
        "conversation_reference": "",
        "activity_id": "a1",
        "teams_meeting_id": "",
        "meeting_key": "",
        "created_by_aad": "aad-1",
        "created_by_name": "Mette",
        "created_at": NOW.astimezone(dt.UTC),
        "closes_at": None,
        "closed_at": None,
        "closed_by": "",
        "version": 3,
        "voters": 3,
        "questions": (question,),
    }
    values.update(changes)
    return PollView(**values)  # type: ignore[arg-type]


def test_percentages_round_half_up_and_bars_have_a_fixed_width() -> None:
    assert [percent(1, 3), percent(2, 3), percent(1, 8), percent(0, 0)] == [33, 67, 13, 0]
    assert text_bar(2, 3) == "███████░░░" and len(text_bar(0, 0)) == 10


def test_user_text_is_escaped_and_the_card_is_valid_for_teams_and_plain_clients() -> None:
    reply = poll_card(view(), NOW, TZ)
    assert reply.card is not None
    assert_valid_teams_card(reply.card)
    assert reply.card["body"][1]["text"] == "Frokost \\*nu\\*?"
    assert "Ja 2 (67 %) · Nej 1 (33 %)" in str(reply.card)
    assert "Ja ███████░░░ 2 (67 %)" in reply.text  # the fallback text, for clients without cards


def test_the_chart_labels_each_bar_with_its_count_instead_of_a_fractional_axis() -> None:
    """With an axis, Teams draws one vote on a scale 0, 0.17, 0.33 … (seen in the Agents
    Playground); a count belongs at the end of each bar."""
    reply = poll_card(view(), NOW, TZ)
    assert reply.card is not None
    [chart] = [e for e in reply.card["body"] if e["type"] == "Chart.HorizontalBar"]
    assert chart["displayMode"] == "AbsoluteNoAxis"
    assert chart["data"] == [{"x": "Ja", "y": 2}, {"x": "Nej", "y": 1}]


def test_hidden_results_show_only_the_number_of_votes_until_closed() -> None:
    hidden = poll_card(view(results_hidden=True), NOW, TZ)
    assert hidden.card is not None
    assert "Chart.HorizontalBar" not in str(hidden.card) and "67 %" not in str(hidden.card)
    assert "3 har stemt · resultaterne vises, når afstemningen lukker" in str(hidden.card)
    closed = poll_card(view(results_hidden=True, closed_at=NOW), NOW, TZ)
    assert closed.card is not None and "Chart.HorizontalBar" in str(closed.card)
    assert "actions" not in closed.card
    assert "Resultaterne er endelige." in str(closed.card)


def test_a_poll_past_its_closing_time_shows_no_buttons_even_before_the_closer_ran() -> None:
    late = poll_card(view(closes_at=NOW - dt.timedelta(minutes=1)), NOW, TZ)
    assert late.card is not None and "actions" not in late.card
    # … and it does not say its results still update
    assert "Resultaterne er endelige" in late.text or "Resultaterne er endelige" in str(late.card)
    assert "opdateres løbende" not in str(late.card)


def test_english_cards_and_the_form_and_trend() -> None:
    english = poll_card(view(lang="en"), NOW, TZ, "en")
    assert "3 people have voted" in english.text
    form = form_card("en", ("Yes", "No"))
    assert form.card is not None
    assert_valid_card(form.card)
    trend = trend_reply(
        [("PLM okt.", {"Relevant": (4.2, 10)}), ("PLM nov.", {"Relevant": (4.5, 12)})], "da"
    )
    assert trend.card is not None
    assert_valid_teams_card(trend.card)
    assert "PLM nov.: 4,5 (n = 12)" in trend.text
    english = trend_reply([("PLM Nov", {"Relevant": (4.5, 12)})], "en")
    assert "PLM Nov: 4.5 (n = 12)" in english.text
    assert "ingen evalueringer" in trend_reply([], "da").text


def test_exports_hold_counts_and_for_named_polls_who_voted_what() -> None:
    named = view(anonymous=False)
    votes = [NamedVote("Mette", "aad-1", "Frokost *nu*?", ("Ja",), NOW)]
    csv_text = to_csv(named, votes, TZ).decode("utf-8-sig")
    assert "Frokost *nu*?;Ja;2;67;3" in csv_text
    assert "Mette;aad-1;Frokost *nu*?;Ja;2025-11-25 10:00:00" in csv_text
    book = load_workbook(io.BytesIO(to_xlsx(named, votes, TZ)))
    assert book.sheetnames == ["Resultater", "Stemmer"]
    rows = list(book["Stemmer"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Mette", "aad-1", "Frokost *nu*?", "Ja")
    anonymous = load_workbook(io.BytesIO(to_xlsx(view(), votes, TZ)))
    assert anonymous.sheetnames == ["Resultater"]  # nobody's vote in an anonymous poll's export
    assert "Mette" not in to_csv(view(), votes, TZ).decode("utf-8-sig")
