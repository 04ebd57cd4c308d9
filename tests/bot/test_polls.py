"""Live polls in a Teams chat, end to end through /api/messages and the mock Bot Connector.

A KOMBIT admin starts a poll in the meeting (group) chat; people vote with one click
(``Action.Execute`` invokes, or ``Action.Submit`` messages from older clients); the posted card
is updated in place with the counts; the poll closes by hand or at its closing time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from app import POLLS_KEY, create_app
from dialogs.polls.commands import StartPoll, parse_poll_command
from store.db import create_engine
from store.models import Poll, PollBallot, PollOption
from store.poll_sealing import PollSecrets
from tests.conftest import FIXED_NOW, BotClient, settings_for, teams_activity, wait_ready
from tests.support.cards import assert_valid_card, assert_valid_teams_card
from tests.support.clicks import person
from tests.support.connector import MockConnector
from tests.support.polls import (
    GROUP,
    ROLLEGALLERI,
    button,
    latest_card,
    say_in_group,
    settle,
    start_poll,
    updates,
    vote,
)


async def test_an_admin_starts_a_poll_in_the_meeting_chat_with_one_line(bot: BotClient) -> None:
    posted = await say_in_group(bot, ROLLEGALLERI)
    [card] = posted.cards
    assert_valid_teams_card(card)
    text = posted.all_text()
    assert "Er du enig i, at integrationen af rollegalleriet i KLIK vil skabe værdi" in text
    assert [a["title"] for a in card["actions"]] == ["Ja", "Nej", "Måske", "Luk afstemning"]
    assert all(a["type"] == "Action.Execute" for a in card["actions"])
    assert all(a["fallback"]["type"] == "Action.Submit" for a in card["actions"])
    assert "0 har stemt" in text
    assert "Anonym: ingen – heller ikke opretteren eller KOMBIT – kan se" in text
    assert posted.conversation_id == "19:groupChatId@thread.v2"


async def test_votes_are_confirmed_to_the_voter_and_the_card_updates_in_place(
    bot: BotClient,
) -> None:
    _poll_id, card = await start_poll(bot)
    ja, nej = button(card, "Ja"), button(card, "Nej")
    assert await vote(bot, ja, person(1)) == (
        "Din stemme: Ja – du kan ændre den, indtil afstemningen lukker."
    )
    await vote(bot, ja, person(2))
    await vote(bot, nej, person(3))
    await settle(bot)
    shown = latest_card(bot.connector)
    text = "\n".join(str(v) for v in _strings(shown))
    assert "3 har stemt" in text
    chart = next(e for e in shown["body"] if e["type"] == "Chart.HorizontalBar")
    assert chart["data"] == [{"x": "Ja", "y": 2}, {"x": "Nej", "y": 1}, {"x": "Måske", "y": 0}]
    assert "Ja ███████░░░ 2 (67 %)" in text  # the text-bar fallback for clients without charts
    assert updates(bot.connector)[-1].reply_to_id  # the posted card itself, not a new message


async def test_a_voter_can_change_their_vote_and_is_counted_once(bot: BotClient) -> None:
    _poll_id, card = await start_poll(bot)
    await vote(bot, button(card, "Ja"), person(1))
    assert "Din stemme: Måske" in await vote(bot, button(card, "Måske"), person(1))
    await vote(bot, button(card, "Måske"), person(1))  # the same choice again changes nothing
    await settle(bot)
    chart = next(
        e for e in latest_card(bot.connector)["body"] if e["type"] == "Chart.HorizontalBar"
    )
    assert chart["data"] == [{"x": "Ja", "y": 0}, {"x": "Nej", "y": 0}, {"x": "Måske", "y": 1}]
    assert "1 har stemt" in "\n".join(_strings(latest_card(bot.connector)))


async def test_action_submit_from_an_older_client_votes_too(bot: BotClient) -> None:
    _poll_id, card = await start_poll(bot)
    submit = next(a for a in card["actions"] if a["title"] == "Nej")["fallback"]
    before = len(bot.connector.received)
    activity = teams_activity(GROUP, bot.connector, text=None, value=submit["data"])
    activity["from"] = person(7)
    assert await bot.post(activity) in (200, 201)
    await settle(bot)
    # In a group chat the updated card is the answer; nobody gets a message about one vote.
    new = bot.connector.received[before:]
    assert [r.method for r in new] == ["update"]
    assert "1 har stemt" in new[0].all_text()


async def test_a_burst_of_votes_gives_few_card_updates_and_the_last_shows_the_exact_count(
    bot: BotClient,
) -> None:
    _poll_id, card = await start_poll(bot)
    choices = [button(card, "Ja"), button(card, "Nej"), button(card, "Måske")]
    await asyncio.gather(*(vote(bot, choices[n % 3], person(n)) for n in range(30)))
    await settle(bot)
    sent = updates(bot.connector)
    assert 1 <= len(sent) <= 3, len(sent)  # 30 votes within ~1 s: at most one update per 2 s
    chart = next(
        e for e in latest_card(bot.connector)["body"] if e["type"] == "Chart.HorizontalBar"
    )
    assert chart["data"] == [{"x": "Ja", "y": 10}, {"x": "Nej", "y": 10}, {"x": "Måske", "y": 10}]


async def test_closing_by_hand_shows_final_results_and_refuses_later_votes(bot: BotClient) -> None:
    _poll_id, card = await start_poll(bot)
    await vote(bot, button(card, "Ja"), person(1))
    closed = await say_in_group(bot, "luk afstemning")
    assert "Afstemningen er lukket: 1 har stemt." in closed.all_text()
    await settle(bot)
    final = latest_card(bot.connector)
    assert "actions" not in final  # no buttons on a closed poll
    assert "Afstemningen er lukket" in "\n".join(_strings(final))
    assert "lukket" in await vote(bot, button(card, "Nej"), person(2))
    assert (await vote(bot, button(card, "Nej"), person(2))).startswith("Afstemningen er lukket")
    results = await say_in_group(bot, "resultater")
    assert "Ja ██████████ 1 (100 %)" in results.all_text()
    assert_valid_teams_card(results.cards[0])


async def test_the_close_button_works_for_the_creator(bot: BotClient) -> None:
    _poll_id, card = await start_poll(bot)
    creator = teams_activity(GROUP, bot.connector)["from"]
    text = await vote(bot, button(card, "Luk afstemning"), creator)
    assert text == "Afstemningen er lukket: 0 har stemt."


async def test_forged_clicks_are_refused_without_touching_the_counts(bot: BotClient) -> None:
    poll_id, card = await start_poll(bot)
    ja = button(card, "Ja")
    forged = [
        ({**ja, "poll": "00000000-0000-0000-0000-000000000000"}, "kender jeg ikke"),
        ({**ja, "o": 999999}, "kan jeg ikke bruge"),
        ({**ja, "q": "x"}, "kan jeg ikke bruge"),
        ({**ja, "o": True}, "kan jeg ikke bruge"),
        ({"kombitbot": "poll_vote", "poll": poll_id}, "kan jeg ikke bruge"),
        ({"kombitbot": "poll_vote", "poll": poll_id, "q12": ["x"]}, "kan jeg ikke bruge"),
        ({"kombitbot": "poll_vote", "poll": ["x"]}, "kender jeg ikke"),
        ({"kombitbot": "poll_close", "poll": 5}, "kender jeg ikke"),
    ]
    for data, expected in forged:
        assert expected in await vote(bot, data, person(1)), data
    # A poll from another conversation:
    other = teams_activity("personal-message", bot.connector)["conversation"]
    assert "en anden chat" in await vote(bot, ja, person(1), conversation=other)
    # No identity: cannot be counted once per person.
    anonymous_sender = {"id": "29:x", "name": "X"}
    assert "ikke, hvem du er" in await vote(bot, ja, anonymous_sender)
    async with bot.http.app[POLLS_KEY].store._sessions() as session:
        assert sum((await session.scalars(select(PollOption.votes))).all()) == 0
        assert (await session.scalars(select(PollBallot))).all() == []


async def test_an_anonymous_poll_stores_nothing_that_links_a_voter_to_an_option(
    bot: BotClient, database_url: str
) -> None:
    poll_id, card = await start_poll(bot)
    await vote(bot, button(card, "Nej"), person(42))
    await vote(bot, button(card, "Ja"), person(42))  # and a change of mind
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            ballots = (await connection.execute(select(PollBallot.__table__))).mappings().all()
    finally:
        await engine.dispose()
    [ballot] = ballots
    stored = " ".join(str(v) for v in ballot.values())
    for identifying in ("aad-person-42", "29:person-42", "Person 42"):
        assert identifying not in stored
    assert ballot["choice"] == "" and ballot["voter_name"] == "" and ballot["voted_at"] is None
    ja = button(card, "Ja")["o"]
    assert ballot["sealed_choice"].startswith("v2:")  # AES-GCM-SIV: nonce, cipher text, tag
    raw = bytes.fromhex(ballot["sealed_choice"][3:])
    nonce, cipher, tag = raw[:12], raw[12:-16], raw[-16:]
    assert len(nonce) == 12 and len(tag) == 16
    assert len(cipher) == 32  # padded: the length tells nothing about the choice
    assert str(ja).encode() + b"\0" * 31 != cipher  # the choice is not stored in the clear
    # Only the service's secret together with the voter's own id opens it (for a change of vote).
    secrets = PollSecrets(settings_for(database_url).poll_key)
    sealed = ballot["sealed_choice"]
    assert secrets.unseal(poll_id, ballot["question_id"], "aad-person-42", sealed) == (ja,)
    wrong = PollSecrets(b"another secret, not the service's")
    assert wrong.unseal(poll_id, ballot["question_id"], "aad-person-42", sealed) is None
    assert secrets.unseal(poll_id, ballot["question_id"], "aad-person-41", sealed) is None
    forged = sealed[:-2] + ("00" if sealed[-2:] != "00" else "11")
    assert secrets.unseal(poll_id, ballot["question_id"], "aad-person-42", forged) is None


async def test_a_ballot_sealed_the_old_way_is_still_read_and_sealed_anew_on_a_change(
    bot: BotClient, database_url: str
) -> None:
    """Ballots written before AES-GCM-SIV (an HMAC stream cipher) keep counting correctly."""
    poll_id, card = await start_poll(bot)
    await vote(bot, button(card, "Nej"), person(7))
    secrets = PollSecrets(settings_for(database_url).poll_key)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            [ballot] = (await connection.execute(select(PollBallot.__table__))).mappings().all()
            old = secrets.seal_legacy(
                poll_id, ballot["question_id"], "aad-person-7", [button(card, "Nej")["o"]]
            )
            await connection.execute(
                update(PollBallot).where(PollBallot.id == ballot["id"]).values(sealed_choice=old)
            )
        assert (await vote(bot, button(card, "Ja"), person(7))).startswith("Din stemme: Ja")
        async with engine.connect() as connection:
            [after] = (await connection.execute(select(PollBallot.__table__))).mappings().all()
    finally:
        await engine.dispose()
    assert after["sealed_choice"].startswith("v2:")
    ja = button(card, "Ja")["o"]
    assert secrets.unseal(
        poll_id, after["question_id"], "aad-person-7", after["sealed_choice"]
    ) == (ja,)
    await settle(bot)
    chart = next(
        e for e in latest_card(bot.connector)["body"] if e["type"] == "Chart.HorizontalBar"
    )
    assert chart["data"] == [{"x": "Ja", "y": 1}, {"x": "Nej", "y": 0}, {"x": "Måske", "y": 0}]


async def test_a_named_multiple_choice_poll_with_hidden_results(bot: BotClient) -> None:
    posted = await say_in_group(
        bot, "afstemning navngivet flervalg skjult: Hvilke emner til næste møde? FLIS; SAPA; KY"
    )
    [card] = posted.cards
    assert_valid_teams_card(card)
    choice_set = next(e for e in card["body"] if e["type"] == "Input.ChoiceSet")
    assert choice_set["isMultiSelect"] is True
    assert "Med navn: opretteren kan se" in posted.all_text()
    send = button(card, "Send svar")
    ids = {c["title"]: c["value"] for c in choice_set["choices"]}
    answer = {**send, choice_set["id"]: f"{ids['FLIS']},{ids['KY']}"}
    assert "Din stemme: FLIS, KY" in await vote(bot, answer, person(1))
    await vote(bot, {**send, choice_set["id"]: ids["SAPA"]}, person(2))
    await settle(bot)
    hidden = latest_card(bot.connector)
    assert "Chart.HorizontalBar" not in str(hidden)
    assert "2 har stemt · resultaterne vises, når afstemningen lukker" in "\n".join(
        _strings(hidden)
    )
    await say_in_group(bot, "luk afstemning")
    await settle(bot)
    final = latest_card(bot.connector)
    chart = next(e for e in final["body"] if e["type"] == "Chart.HorizontalBar")
    assert chart["data"] == [{"x": "FLIS", "y": 1}, {"x": "SAPA", "y": 1}, {"x": "KY", "y": 1}]


async def test_the_evaluation_template_asks_four_statements_on_a_five_point_scale(
    bot: BotClient,
) -> None:
    posted = await say_in_group(bot, "evaluering")
    [card] = posted.cards
    assert_valid_teams_card(card)
    text = posted.all_text()
    for statement in (
        "Oplæg har været relevante for mig",
        "Der var god vekslen mellem oplæg, dialog og involvering",
        "Dagens møde har skabt værdi for mig",
        "Dagens møde understøtter min opgaveløsning relateret til KOMBIT",
    ):
        assert statement in text
    sets = [e for e in card["body"] if e["type"] == "Input.ChoiceSet"]
    assert len(sets) == 4
    assert [c["title"] for c in sets[0]["choices"]] == [
        "Helt uenig",
        "Uenig",
        "Hverken enig eller uenig",
        "Enig",
        "Helt enig",
        "Ved ikke",
    ]
    send = button(card, "Send svar")
    helt_enig = {s["id"]: s["choices"][4]["value"] for s in sets}
    assert "Dine svar er gemt (4 udsagn)" in await vote(bot, {**send, **helt_enig}, person(1))
    one = {sets[0]["id"]: sets[0]["choices"][2]["value"]}  # only the first statement: 3
    await vote(bot, {**send, **one}, person(2))
    await settle(bot)
    assert "Gennemsnit 4,0 af 5 (n = 2)" in "\n".join(_strings(latest_card(bot.connector)))


async def test_the_yes_no_maybe_and_rating_templates(bot: BotClient) -> None:
    posted = await say_in_group(bot, "afstemning ja/nej/måske: Skal vi mødes fysisk i marts?")
    assert [a["title"] for a in posted.cards[0]["actions"]][:3] == ["Ja", "Nej", "Måske"]
    rating = await say_in_group(bot, "bedømmelse")
    assert_valid_teams_card(rating.cards[0])
    assert "Hvordan vil du bedømme dagens møde?" in rating.all_text()
    assert [a["title"] for a in rating.cards[0]["actions"]][:5] == ["1", "2", "3", "4", "5"]


async def test_afstemning_alone_opens_a_form_that_starts_the_poll(bot: BotClient) -> None:
    form = await say_in_group(bot, "afstemning")
    [card] = form.cards
    assert_valid_card(card)
    ids = [e.get("id") for e in card["body"]]
    assert {"question", "options", "mode", "identity", "results", "minutes"} <= set(ids)
    start = button(card, "Start afstemning")
    filled = {
        **start,
        "question": "Hvilken dag passer bedst?",
        "options": "Tirsdag\nOnsdag\nTorsdag",
        "mode": "single",
        "identity": "anonymous",
        "results": "live",
        "minutes": "10",
    }
    before = len(bot.connector.received)
    admin = teams_activity(GROUP, bot.connector)["from"]
    assert await vote(bot, filled, admin) == "Afstemningen er startet."
    posted = (await bot.connector.wait_for(before + 1))[before]
    assert "Hvilken dag passer bedst?" in posted.all_text()
    assert "lukker kl. 10:10" in posted.all_text()
    refused = await vote(bot, {**filled, "options": "Kun én"}, admin)
    assert "mindst to svarmuligheder" in refused


async def test_a_poll_closes_at_its_closing_time_even_across_a_restart(
    database_url: str, connector: MockConnector
) -> None:
    now = [FIXED_NOW]
    settings = settings_for(database_url)
    app = create_app(settings, clock=lambda: now[0])
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        first = BotClient(client, connector)
        posted = await say_in_group(first, "afstemning luk efter 5 minutter: Frokost nu? Ja; Nej")
        assert "lukker kl. 10:05" in posted.all_text()
        card = posted.cards[0]
        await vote(first, button(card, "Ja"), person(1))
        await settle(first)
    # The service is down at 10:05; it starts again at 10:07.
    now[0] = FIXED_NOW + dt.timedelta(minutes=7)
    app = create_app(settings, clock=lambda: now[0])
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        second = BotClient(client, connector)
        for _ in range(200):
            if any("Afstemningen er lukket" in u.all_text() for u in updates(connector)):
                break
            await asyncio.sleep(0.05)
        await settle(second)
        final = latest_card(connector)
        assert "Afstemningen er lukket (25.11.2025 10:07)" in "\n".join(_strings(final))
        assert "actions" not in final
        assert "lukket" in await vote(second, button(card, "Nej"), person(2))
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            closed_at = await connection.scalar(select(Poll.closed_at))
    finally:
        await engine.dispose()
    assert closed_at is not None


async def test_only_the_creator_or_an_admin_gets_the_export(database_url: str) -> None:
    from dialogs.polls.service import PollDialogs
    from store.polls import Origin, PollStore, Voter
    from store.repository import Store

    store = Store(create_engine(database_url))
    try:
        polls = PollStore(store.sessions, b"0123456789abcdef")
        admins = {"aad-admin"}
        dialogs = PollDialogs(polls, store, lambda: FIXED_NOW, lambda aad: aad in admins)
        command = parse_poll_command(ROLLEGALLERI, FIXED_NOW)
        assert isinstance(command, StartPoll)
        poll = await polls.create(command.spec, Origin("conv", "aad-creator", "C"), FIXED_NOW)
        assert await dialogs.export_file(poll.id, "csv", Voter("aad-creator")) is not None
        assert await dialogs.export_file(poll.id, "xlsx", Voter("aad-admin")) is not None
        assert await dialogs.export_file(poll.id, "csv", Voter("aad-someone")) is None
        assert await dialogs.export_file(poll.id, "exe", Voter("aad-creator")) is None
    finally:
        await store.close()


async def test_only_admins_start_polls(database_url: str, connector: MockConnector) -> None:
    from dialogs.polls.service import PollDialogs, Where
    from store.polls import PollStore, Voter
    from store.repository import Store

    store = Store(create_engine(database_url))
    try:
        dialogs = PollDialogs(
            PollStore(store.sessions, b"0123456789abcdef"),
            store,
            lambda: FIXED_NOW,
            lambda _: False,
        )
        command = parse_poll_command(ROLLEGALLERI, FIXED_NOW)
        assert command is not None
        reply = await dialogs.command(command, Where("conv"), Voter("aad-x", "X"))
        assert getattr(reply, "text", "") == "Kun KOMBIT-administratorer kan starte afstemninger."
        async with store.sessions() as session:
            assert (await session.scalars(select(Poll))).all() == []
    finally:
        await store.close()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


async def test_the_creator_exports_results_as_csv_and_xlsx_in_personal_chat(
    database_url: str, connector: MockConnector
) -> None:
    settings = settings_for(database_url, trusted_download_hosts=("127.0.0.1",))
    app = create_app(settings, clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        creator = teams_activity(GROUP, connector)["from"]
        posted = await say_in_group(bot, "afstemning navngivet: Frokost? Ja; Nej")
        card = posted.cards[0]
        await vote(bot, button(card, "Ja"), person(1))
        await vote(bot, button(card, "Nej"), {**person(2), "name": "=cmd|' /C calc'!A0"})
        await settle(bot)
        # In the group chat the bot points to personal chat instead of posting files there.
        assert "personlig chat" in (await say_in_group(bot, "eksportér afstemning")).text
        before = len(connector.received)
        personal = teams_activity("personal-message", connector, text="eksportér afstemning")
        personal["from"] = creator
        assert await bot.post(personal) in (200, 201)
        received = await connector.wait_for(before + 3)
        consents = [
            a
            for r in received[before:]
            for a in r.activity.get("attachments") or []
            if a["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
        ]
        assert [c["name"][-4:] for c in consents] == ["xlsx", ".csv"]
        csv_card = consents[1]
        # The creator accepts: Teams invokes fileConsent/invoke with an upload URL.
        accept = teams_activity("personal-message", connector, text=None)
        accept.update(
            type="invoke",
            name="fileConsent/invoke",
            value={
                "type": "fileUpload",
                "action": "accept",
                "context": csv_card["content"]["acceptContext"],
                "uploadInfo": {
                    "name": csv_card["name"],
                    "uploadUrl": connector.upload_url("results.csv"),
                    "contentUrl": "https://contoso.sharepoint.com/results.csv",
                    "uniqueId": "unique-1",
                    "fileType": "csv",
                },
            },
        )
        accept["from"] = creator
        before = len(connector.received)
        assert await bot.post(accept) == 200
        [info] = (await connector.wait_for(before + 1))[before].activity["attachments"]
        assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"
        assert info["contentUrl"] == "https://contoso.sharepoint.com/results.csv"
        exported = connector.uploads["results.csv"].decode("utf-8-sig")
        assert "Frokost?;Ja;1;50;2" in exported and "Frokost?;Nej;1;50;2" in exported
        assert "Person 1;aad-person-1;Frokost?;Ja" in exported
        assert "'=cmd" in exported  # a formula in a name is neutralised, not run by Excel


async def test_meeting_results_the_evaluation_trend_and_the_change_log(bot: BotClient) -> None:
    _poll_id, first = await start_poll(bot, "afstemning: Frokost? Ja; Nej")
    await vote(bot, button(first, "Ja"), person(1))
    evaluation = (await say_in_group(bot, "evaluering")).cards[0]
    sets = [e for e in evaluation["body"] if e["type"] == "Input.ChoiceSet"]
    send = button(evaluation, "Send svar")
    await vote(bot, {**send, sets[0]["id"]: sets[0]["choices"][3]["value"]}, person(1))  # Enig
    await vote(bot, {**send, sets[0]["id"]: sets[0]["choices"][4]["value"]}, person(2))  # Helt enig
    results = await say_in_group(bot, "resultater fra mødet")
    assert_valid_teams_card(results.cards[0])
    text = results.all_text()
    assert "Resultater fra mødet (2 afstemninger)" in text
    assert "Frokost?" in text and "Oplæg har været relevante for mig" in text
    trend = await say_in_group(bot, "evaluering: udvikling")
    assert_valid_teams_card(trend.cards[0])
    assert "25.11.2025: 4,5 (n = 2)" in trend.all_text()  # Danish decimal comma
    log = await bot.ask("log i dag")
    assert "åbnede afstemningen »Frokost?«" in log
    assert "åbnede afstemningen »Hvor enig/uenig er du i følgende udsagn?«" in log


async def test_an_english_poll_speaks_english_to_its_voters(bot: BotClient) -> None:
    posted = await say_in_group(bot, "poll: Lunch now? Yes; No")
    card = posted.cards[0]
    assert [a["title"] for a in card["actions"]] == ["Yes", "No", "Close poll"]
    assert "Anonymous: nobody" in posted.all_text()
    assert await vote(bot, button(card, "Yes"), person(1)) == (
        "Your vote: Yes – you can change it until the poll closes."
    )
