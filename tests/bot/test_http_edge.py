"""The HTTP edge: probes, and bad requests answered with 4xx without reaching the bot."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from app import create_app
from bot.routes import TurnLimit
from store.db import create_engine
from store.repository import Store
from tests.conftest import FIXED_NOW, BotClient, settings_for, teams_activity, wait_ready
from tests.support.connector import Faults, MockConnector
from tests.support.snapshots import snapshot


async def test_health_and_readiness(bot: BotClient) -> None:
    health = await bot.http.get("/healthz")
    ready = await bot.http.get("/readyz")
    assert health.status == 200
    assert ready.status == 200
    assert (await ready.json())["status"] == "ready"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b'{"text": "no type"}', "application/json", 400),
        (b'{"type": "message", "timestamp": "not a date", "entities": 7}', "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (
            b'{"type": "message", "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "application/json",
            400,
        ),
        (
            b'{"type": "message", "value": ' + b'{"a":' * 60 + b"1" + b"}" * 60 + b"}",
            "application/json",
            400,
        ),
        (b'{"type": "message", "value": ' + b"9" * 5000 + b"}", "application/json", 400),
        (b'{"type": "message", "text": "' + b"x" * 50_000 + b'"}', "application/json", 400),
        (b'{"type": "message", "value": 1' + b"0" * 400 + b".5e3}", "application/json", 400),
        (b'{"type": "message", "id": "x", "t": "\\ud800"', "application/json", 400),
        (b"type=message", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_malformed_requests_get_a_client_error_and_no_reply(
    bot: BotClient, body: bytes, content_type: str, status: int
) -> None:
    response = await bot.http.post(
        "/api/messages", data=body, headers={"Content-Type": content_type}
    )
    assert response.status == status
    assert bot.connector.received == []


async def test_an_oversized_body_is_refused(bot: BotClient) -> None:
    activity = teams_activity("personal-message", bot.connector, text="x" * 300_000)
    response = await bot.http.post("/api/messages", json=activity)
    assert response.status == 413
    assert bot.connector.received == []


async def test_readiness_is_503_while_the_database_is_unreachable(
    postgres_admin_url: str,
) -> None:
    missing = (
        make_url(postgres_admin_url)
        .set(database="kombitbot_does_not_exist")
        .render_as_string(False)
    )
    app = create_app(settings_for(missing))
    async with TestClient(TestServer(app)) as client:
        ready = await client.get("/readyz")
        health = await client.get("/healthz")
    assert ready.status == 503
    assert health.status == 200


async def test_turns_waiting_for_a_slow_connector_leave_their_slots_to_the_others(
    database_url: str, connector: MockConnector
) -> None:
    """With two turns allowed and Teams slow to accept replies, a third message is not kept
    waiting behind the two: a turn gives its slot back when it starts talking to Teams."""
    app = create_app(settings_for(database_url, max_concurrent_turns=2), clock=lambda: FIXED_NOW)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        connector.faults = Faults(hold_after=0)  # Teams takes its time to accept each reply
        posts = [
            asyncio.create_task(
                client.post(
                    "/api/messages",
                    json=teams_activity(
                        "personal-message", connector, id=f"m{n}", text="hvem er jeg?"
                    ),
                )
            )
            for n in range(3)
        ]
        for _ in range(1000):  # up to 10 s on a busy machine
            if connector.held == 3:
                break
            await asyncio.sleep(0.01)
        assert connector.held == 3  # all three are replying
        load = await (await client.get("/readyz")).json()
        assert load["turns"] == {"busy": 0, "waiting": 0, "limit": 2}
        assert not any(post.done() for post in posts)
        connector.release()
        statuses = [(await post).status for post in posts]
    assert statuses == [201, 201, 201]
    assert len(connector.received) == 3


async def test_a_turn_beyond_the_limit_waits_until_a_slot_is_given_back() -> None:
    limit = TurnLimit(2)
    entered: list[int] = []
    gate = asyncio.Event()

    async def turn(n: int) -> None:
        async with limit.slot():
            entered.append(n)
            await gate.wait()

    tasks = [asyncio.create_task(turn(n)) for n in range(3)]
    await asyncio.sleep(0.05)
    assert entered == [0, 1] and (limit.busy, limit.waiting) == (2, 1)
    gate.set()
    await asyncio.gather(*tasks)
    assert entered == [0, 1, 2] and (limit.busy, limit.waiting) == (0, 0)


INVOKE_NAMES = [
    "signin/tokenExchange",
    "signin/verifyState",
    "signin/failure",
    "composeExtension/query",
    "composeExtension/submitAction",
    "composeExtension/fetchTask",
    "composeExtension/queryLink",
    "composeExtension/selectItem",
    "composeExtension/setting",
    "composeExtension/onCardButtonClicked",
    "task/fetch",
    "task/submit",
    "tab/fetch",
    "tab/submit",
    "config/fetch",
    "config/submit",
    "fileConsent/invoke",
    "actionableMessage/executeAction",
    "message/submitAction",
    "handoff/action",
    "healthCheck",
    "adaptiveCard/action",
    "application/search",
    "not/a/real/invoke",
]


async def test_every_invoke_gets_a_defined_answer_and_no_error_in_the_log(
    bot: BotClient, caplog: pytest.LogCaptureFixture
) -> None:
    answers: dict[int, int] = {}
    with caplog.at_level(logging.WARNING):
        for name in INVOKE_NAMES:
            for value in (None, {}, "text", [1, 2], {"id": 7, "connectionName": None}):
                activity = teams_activity("personal-message", bot.connector, type="invoke")
                activity["name"], activity["value"] = name, value
                response = await bot.http.post("/api/messages", json=activity)
                # 501: Bot Framework's own answer to an invoke the bot does not implement.
                assert response.status in (200, 400, 404, 501), (name, value, response.status)
                answers[response.status] = answers.get(response.status, 0) + 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert answers[501] >= 5 * (len(INVOKE_NAMES) - 3)


async def test_a_client_sending_bad_bodies_gets_one_warning_a_minute_and_no_traceback(
    bot: BotClient, caplog: pytest.LogCaptureFixture
) -> None:
    bodies = [b"[" * 50_000, b'{"type": 1}', b"9" * 9000, b"{bad"] * 25
    with caplog.at_level(logging.DEBUG):
        for body in bodies:
            response = await bot.http.post(
                "/api/messages", data=body, headers={"Content-Type": "application/json"}
            )
            assert response.status == 400
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    # The bot is unharmed: the next question is answered.
    assert "Aftaler – Vejle" in await bot.ask("Hvilke aftaler mangler Vejle at underskrive?")


ODD_IDS = {
    "non-Latin-1 conversation": {"conversation": {"id": "a:1\u20ac-conversation"}},
    "newline in conversation": {"conversation": {"id": "a:1\n"}},
    "NUL in user": {"from": {"id": "29:\u0000user"}},
    "surrogate in bot": {"recipient": {"id": "28:bot\ud800"}},
    "line separator in activity id": {"id": "1575667808184\u2028"},
    "letters in reply id": {"replyToId": "\u00e6\u00f8\u00e5"},
}


@pytest.mark.parametrize("case", list(ODD_IDS))
async def test_ids_teams_would_never_send_are_refused_with_400(bot: BotClient, case: str) -> None:
    activity = teams_activity("personal-message", bot.connector, text="hjælp")
    for key, value in ODD_IDS[case].items():
        activity[key] = {**activity[key], **value} if isinstance(value, dict) else value
    body = json.dumps(activity).encode()  # ASCII escapes, so a lone surrogate can be sent
    response = await bot.http.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert bot.connector.received == []


async def test_lone_surrogates_and_control_characters_are_cleaned_on_both_databases(
    bot: BotClient, database_url: str
) -> None:
    """A name with NUL and a lone surrogate, a question with both: answered, and the
    conversation is remembered with the cleaned name (PostgreSQL refuses NUL in text)."""
    activity = teams_activity(
        "personal-message",
        bot.connector,
        text="Hvilke aftaler mangler Vejle\u0000 at underskrive?\ud800",
    )
    activity["from"] = {**activity["from"], "name": "Mette\u0000 Hansen\udfff"}
    body = json.dumps(activity).encode()
    response = await bot.http.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status in (200, 201)
    [reply] = await bot.connector.wait_for(1)
    assert "Aftaler – Vejle" in reply.all_text()
    store = Store(create_engine(database_url))
    try:
        tables = await snapshot(store)
    finally:
        await store.close()
    remembered = json.dumps(tables["bot_conversations"], default=str)
    assert "Mette Hansen\\ufffd" in remembered, remembered[:500]
    assert "\\u0000" not in remembered


@pytest.mark.parametrize(
    "service_url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9fea9fe/",
        "http://10.1.2.3:8080/",
        "https://192.168.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fe80::1]/",
        "http://user:pw@127.0.0.1/",
    ],
)
async def test_a_service_url_at_a_private_or_metadata_address_is_refused_and_not_remembered(
    bot: BotClient, database_url: str, service_url: str
) -> None:
    activity = teams_activity("personal-message", bot.connector, text="abonnér på påmindelser")
    activity["serviceUrl"] = service_url
    response = await bot.http.post("/api/messages", json=activity)
    assert response.status == 400
    store = Store(create_engine(database_url))
    try:
        tables = await snapshot(store)
    finally:
        await store.close()
    assert tables["bot_conversations"] == []
    assert tables["reminder_subscriptions"] == []


# Once: the warning is rate-limited per process, and the database plays no part here.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_request_line_or_header_over_8_kb_is_400_and_one_warning_not_a_traceback(
    bot: BotClient, caplog: pytest.LogCaptureFixture
) -> None:
    host, port = bot.http.server.host, bot.http.server.port
    with caplog.at_level(logging.DEBUG):
        for attack in (
            b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n",
            b"POST /api/messages HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        ):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(attack)
            await writer.drain()
            answer = await reader.read(64)
            writer.close()
            assert answer.startswith(b"HTTP/1.") and b" 400 " in answer
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    refused = [r for r in caplog.records if "malformed HTTP request" in r.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert "Aftaler – Vejle" in await bot.ask("Hvilke aftaler mangler Vejle at underskrive?")


@pytest.mark.parametrize(
    "members", [[None], [None, {"id": "x"}], [{"name": "no id"}], "not a list", [7]]
)
async def test_a_member_list_full_of_nulls_is_answered_without_an_error(
    bot: BotClient, members: object, caplog: pytest.LogCaptureFixture
) -> None:
    activity = teams_activity("conversation-update-bot-added-personal", bot.connector)
    activity["membersAdded"] = members
    activity["membersRemoved"] = members
    with caplog.at_level(logging.ERROR):
        response = await bot.http.post("/api/messages", json=activity)
    assert response.status < 500
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
