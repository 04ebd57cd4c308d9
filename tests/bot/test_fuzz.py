"""Hostile and broken input never hurts: 6,000 mutated Teams activities per database, over
real HTTP, and hostile requests to every other route.

Every activity starts from one of Microsoft's real payloads in tests/fixtures and is mutated
by Hypothesis: fields dropped, replaced by random JSON of any type, types and names changed,
texts replaced by random or hostile Unicode (mentions, markdown, very long, lone surrogates,
NUL and other control characters, bidirectional overrides), ids Teams never sends, serviceUrls
at private, metadata or oddly spelled addresses, card submits with forged values, and whole
bodies nested thousands deep or with numbers of thousands of digits. The service runs on a real
port, on SQLite and on PostgreSQL; the test asserts no 5xx, no unhandled exception in the log,
that the next normal question is answered, and that nothing but a profile, an unconfirmed
proposal, a remembered conversation or a subscription (the only writes a single well-formed
activity can cause) changed in the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from store.db import create_engine
from store.repository import Store
from tests.conftest import FIXED_NOW, FIXTURES, settings_for
from tests.support.connector import MockConnector
from tests.support.databases import BACKENDS, DatabaseFactory
from tests.support.snapshots import snapshot

EXAMPLES = 6_000  # per database
FIXTURE_PAYLOADS = {
    p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))
}
# A message or an install event may also remember where the bot is, and "abonnér" subscribe it.
WRITABLE_BY_ONE_MESSAGE = {
    "user_profiles",
    "pending_actions",
    "bot_conversations",
    "reminder_subscriptions",
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "hjælp",
            "Hvilke aftaler mangler Vejle at underskrive?",
            "vi har underskrevet FLIS-databehandleraftalen",
            "<at>ridotest</at> status på ADG_0",
            "**fed** [link](javascript:alert(1)) _x_ \\u0000",
            "A" * 5000,
            "jeg er programleder i Vejel",
        ]
    ),
    st.sampled_from(
        [
            "hvilke aftaler mangler Vejle\ud800 at underskrive?",
            "\udfff\ud800",
            "Vejle\x00\x00",
            "\u202eelqeV\u202c",  # right-to-left override
            "\x1b[31mrød\x1b[0m",
            "Vejle \U0001f600 \u200b\ufeff",
            "\u0000" * 100,
            "a\u0301" * 200,
        ]
    ),
)
hostile_ids = st.sampled_from(
    [
        "a:1\u20ac",
        "19:x\n@thread.v2",
        "29:\x00",
        "\ud800",
        " a:1",
        "a" * 2000,
        "../../etc/passwd",
        "a:1/../../x",
        "a:1?x=1#y",
        "",
        "{conversationId}",
    ]
)
hostile_service_urls = st.sampled_from(
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9fea9fe/",
        "http://10.0.0.1/",
        "http://[fe80::1]/",
        "http://[::ffff:192.168.1.1]/",
        "http://0/",
        "ftp://127.0.0.1/",
        "http://user:pw@127.0.0.1:1/",
        "http://127.0.0.1:99999/",
        "javascript:alert(1)",
        "http://{x}/",
        "",
    ]
)


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    """Whole bodies whose shape is the attack: depth, number size, sheer repetition."""
    kind = draw(st.sampled_from(["deep", "deep-in-value", "number", "float", "keys", "junk"]))
    depth = draw(st.integers(40, 30_000))
    if kind == "deep":
        return b"[" * depth + b"]" * depth
    if kind == "deep-in-value":
        return b'{"type":"message","value":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
    if kind == "number":
        return b'{"type":"message","channelId":' + b"9" * draw(st.integers(30, 20_000)) + b"}"
    if kind == "float":
        return b'{"type":"message","x":1.' + b"5" * draw(st.integers(30, 20_000)) + b"e99999}"
    if kind == "keys":
        keys = ",".join(f'"k{n}":{n}' for n in range(draw(st.integers(1, 5_000))))
        return ('{"type":"message",' + keys + "}").encode()
    return draw(st.binary(max_size=300))


card_values = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "kombitbot": st.sampled_from(
                [
                    "ask",
                    "confirm",
                    "cancel",
                    "undo",
                    "delete",
                    "",
                    "reminder_done",
                    "reminder_snooze",
                    "reminder_seen",
                ]
            ),
            "text": json_values,
            "id": json_values,
            "audit": json_values,
        }
    ),
)


@st.composite
def activities(draw: st.DrawFn, service_url: str) -> bytes:
    base = json.loads(json.dumps(FIXTURE_PAYLOADS[draw(st.sampled_from(sorted(FIXTURE_PAYLOADS)))]))
    base["serviceUrl"] = service_url
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(sorted(base) or ["type"]))
        action = draw(
            st.sampled_from(["drop", "replace", "text", "type", "value", "ids", "service"])
        )
        if action == "drop":
            base.pop(key, None)
        elif action == "replace":
            base[key] = draw(json_values)
        elif action == "text":
            base["text"] = draw(texts)
        elif action == "type":
            base["type"] = draw(
                st.sampled_from(
                    [
                        "message",
                        "invoke",
                        "event",
                        "conversationUpdate",
                        "installationUpdate",
                        "typing",
                        "",
                        "messageReaction",
                    ]
                )
                | st.text(max_size=10)
            )
        elif action == "ids":
            target = draw(st.sampled_from(["conversation", "from", "recipient", "id", "replyToId"]))
            if target in ("id", "replyToId"):
                base[target] = draw(hostile_ids)
            else:
                account = base.get(target) if isinstance(base.get(target), dict) else {}
                base[target] = {**account, "id": draw(hostile_ids), "name": draw(texts)}
        elif action == "service":
            base["serviceUrl"] = draw(hostile_service_urls)
        else:
            base["value"] = draw(card_values)
    if draw(st.integers(0, 9)) == 0:
        return draw(hostile_bodies())  # the shape is the attack, or not JSON at all
    return json.dumps(base).encode()  # ASCII escapes carry lone surrogates and NUL


class ServiceThread:
    """The whole service and the mock connector on real ports, in their own event loop."""

    def __init__(self, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.connector = MockConnector()
        self.database_url = database_url
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    async def _start(self) -> None:
        await self.connector.start()
        app = create_app(settings_for(self.database_url), clock=lambda: FIXED_NOW)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self.connector.stop()

    def __enter__(self) -> ServiceThread:
        self._thread.start()
        self.run(self._start())
        for _ in range(600):  # from this thread: the service's loop must stay free to answer
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.05)
        raise AssertionError("the service did not become ready")

    def __exit__(self, *_exc: object) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, database_factories: dict[str, DatabaseFactory]
) -> Iterator[ServiceThread]:
    with ServiceThread(database_factories[str(request.param)].seeded()) as running:
        yield running


def post(
    service: ServiceThread,
    body: bytes | None,
    path: str = "/api/messages",
    method: str = "POST",
    content_type: str = "application/json",
) -> int:
    request = urllib.request.Request(
        f"{service.url}{path}",
        data=body,
        headers={"Content-Type": content_type},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def facts(service: ServiceThread) -> dict[str, list[tuple[object, ...]]]:
    async def read() -> dict[str, list[tuple[object, ...]]]:
        store = Store(create_engine(service.database_url))
        try:
            tables = await snapshot(store)
        finally:
            await store.close()
        return {name: rows for name, rows in tables.items() if name not in WRITABLE_BY_ONE_MESSAGE}

    return service.run(read())  # type: ignore[no-any-return]


def normal_question_answered(service: ServiceThread) -> bool:
    activity = json.loads(json.dumps(FIXTURE_PAYLOADS["personal-message"]))
    activity.update(
        serviceUrl=service.connector.service_url,
        text="Hvilke aftaler mangler Vejle at underskrive?",
        id="after-the-storm",
    )
    activity["conversation"] = {**activity["conversation"], "id": "a:after-the-storm"}
    before = len(service.connector.received)
    assert post(service, json.dumps(activity).encode()) in (200, 201)
    received = service.run(service.connector.wait_for(before + 1, timeout=10))
    return any("Aftaler – Vejle" in r.all_text() for r in received[before:])


def test_mutated_and_hostile_activities_cause_no_5xx_no_crash_and_no_stray_write(
    service: ServiceThread, caplog: pytest.LogCaptureFixture
) -> None:
    before = facts(service)
    statuses: dict[int, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=activities(service.connector.service_url))
    def check(body: bytes) -> None:
        status = post(service, body)
        statuses[status] = statuses.get(status, 0) + 1
        # 501 is Bot Framework's own answer to an invoke name the bot does not implement.
        assert status < 500 or status == 501, f"{status} for {body[:300]!r}"

    with caplog.at_level(logging.ERROR):
        check()
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not service.connector.unmatched, service.connector.unmatched[:5]
    assert not service.connector.unmatched, service.connector.unmatched[:5]
    assert not crashes, "\n".join(r.getMessage() for r in crashes[:5])
    assert sum(statuses.values()) >= EXAMPLES
    assert statuses.get(400, 0) > 0 and statuses.get(201, 0) + statuses.get(200, 0) > 0
    assert facts(service) == before
    assert normal_question_answered(service)


ROUTES = st.sampled_from(
    [
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/calendar.ics"),
        ("POST", "/api/messages"),
        ("PUT", "/api/messages"),
        ("GET", "/api/messages"),
        ("POST", "/calendar.ics"),
        ("GET", "/nowhere"),
    ]
)
queries = st.one_of(
    st.just(""),
    st.builds(
        lambda k, v: f"?{urllib.parse.quote(k)}={urllib.parse.quote(v, safe='')}",
        st.sampled_from(["kommune", "municipality", "lang", "x", "kommune[]", ""]),
        st.text(max_size=40)
        | st.sampled_from(["Vejle", "Vejen", "vejel", "%00", "\x00", "A" * 3000]),
    ),
)


def test_hostile_requests_to_every_route_get_no_5xx_and_no_traceback(
    service: ServiceThread, caplog: pytest.LogCaptureFixture
) -> None:
    @settings(
        max_examples=600,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        route=ROUTES,
        query=queries,
        body=st.none() | st.binary(max_size=200) | hostile_bodies(),
        content_type=st.sampled_from(
            ["application/json", "text/plain", "application/json; charset=latin-1", ""]
        ),
    )
    def check(route: tuple[str, str], query: str, body: bytes | None, content_type: str) -> None:
        method, path = route
        status = post(
            service, body if method != "GET" else None, path + query, method, content_type
        )
        assert status < 500 or status == 501, f"{status} for {method} {path}{query[:80]}"

    with caplog.at_level(logging.ERROR):
        check()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert normal_question_answered(service)
