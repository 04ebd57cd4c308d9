"""HTTP routes: ``POST /api/messages`` through the CloudAdapter, health and readiness probes.

The adapter's own ``process`` turns a malformed body into a 500; this edge checks the request
first so bad input gets a 4xx and never reaches the bot. A client that sends bad bodies gets one
WARNING line a minute at most, never a traceback, so it cannot fill the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeGuard

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.activities import tenant_of
from bot.addresses import CONNECTOR_ADDRESSES, AddressPolicy
from bot.inbound import BadBody, parse_activity_body, plain_id
from bot.outbound import RELEASE_TURN_SLOT
from kombitbot.logs import CORRELATION_ID
from store.repository import Store

log = logging.getLogger(__name__)


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


def valid_service_url(url: object, addresses: AddressPolicy = CONNECTOR_ADDRESSES) -> bool:
    """Replies go to ``serviceUrl``: a plain http(s) URL with a host the bot may connect to.

    (botbuilder formats it as a template, so a ``{`` in it would crash the reply.) An address
    literal that is private or link-local is refused here, so it is never stored for
    reminders; a name is judged by what it resolves to when the bot connects.
    """
    if not isinstance(url, str) or len(url) > 2048 or "{" in url or "}" in url:
        return False
    return addresses.allows_url(url, schemes=("http", "https"))


def _url_segment_safe(value: str) -> bool:
    """What a plain id (``plain_id``: printable ASCII, bounded) may still hold that a URL
    segment may not: a slash, query or fragment mark, or only dots."""
    return not any(c in "/\\?#" for c in value) and bool(value.strip(" ."))


def addressed(activity: Activity) -> bool:
    """Bot Framework always says which conversation, from whom and to whom; without those
    the bot could not reply or know who asked. Ids are printable ASCII, as Teams sends them."""
    for account in (activity.conversation, activity.from_property, activity.recipient):
        if not plain_id(getattr(account, "id", None)):
            return False
    for optional in (activity.id, activity.reply_to_id):
        if optional is not None and not plain_id(optional):
            return False
    # The conversation and activity ids become segments of the reply URL: no slashes, query or
    # fragment marks or dot-only segments (Teams ids look like "19:…@thread.tacv2;messageid=…"
    # or "f:17b9…").
    ids = [activity.conversation.id] + ([activity.id] if activity.id is not None else [])
    return all(isinstance(i, str) and _url_segment_safe(i) for i in ids)


MAX_TOKEN_LIFETIME = 24 * 3600  # Bot Framework's channel tokens live about an hour
CLOCK_SKEW = 300


def token_times_sane(claims: dict[str, Any], now: float) -> bool:
    """A channel token must say when it starts and ends, be valid now, and not for long.

    PyJWT, under botbuilder, checks ``exp`` and ``nbf`` only when they are present: a token
    without ``exp`` would be good forever.
    """
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not (_is_time(exp) and _is_time(nbf)):
        return False
    return nbf - CLOCK_SKEW <= now < exp + CLOCK_SKEW and 0 < exp - nbf <= MAX_TOKEN_LIFETIME


def _is_time(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class TurnLimit:
    """At most ``limit`` activities in a turn at once; later ones wait at the door.

    A turn gives its slot back when it first talks to the Bot Connector (or when it ends):
    the limit bounds the work in memory, and a turn waiting for a slow or dead connector has
    no work left but the wait (bounded by the outbound timeouts, :mod:`bot.outbound`).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.busy = 0
        self.waiting = 0
        self._slots = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        self.busy += 1
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self.busy -= 1
                self._slots.release()

        token = RELEASE_TURN_SLOT.set(release)
        try:
            yield
        finally:
            RELEASE_TURN_SLOT.reset(token)
            release()


def messages_handler(
    adapter: CloudAdapter,
    bot: Bot,
    max_body_bytes: int,
    max_concurrent_turns: int | TurnLimit,
    allowed_tenants: frozenset[str] = frozenset(),
    *,
    authentication_enabled: bool = False,
    service_addresses: AddressPolicy = CONNECTOR_ADDRESSES,
) -> Any:
    """``POST /api/messages``; at most ``max_concurrent_turns`` activities in a turn at once.

    Later activities wait their turn at the door, as a few bytes each. Without the limit a burst
    (a meeting voting at once) puts every request inside a turn, each holding the object graph
    botbuilder builds per activity while it waits for the database; the garbage collector then
    walks and promotes all of that again and again, and the slowest answers wait for it
    (bench/polls.py on PostgreSQL, 50 senders: p99 about 1.5-2.1 times the trivial handler's
    without the limit, 1.05-1.24 with 16). Too low a limit starves the process instead: with 16,
    the turns under way often all wait for the database at once and the bot idles (0.91-0.98 of
    a core used instead of 0.99-1.00; throughput 0.72-0.77 times the trivial handler's on
    PostgreSQL against 0.89-0.98 with 32, p99 unchanged). The limit comes from the settings
    (``KOMBITBOT_MAX_CONCURRENT_TURNS``), the one place its default is written. The cheap refusals (413, 415, 400) never wait.
    """
    turns = (
        max_concurrent_turns
        if isinstance(max_concurrent_turns, TurnLimit)
        else TurnLimit(max_concurrent_turns)
    )
    warnings = WarningsPerClient()

    async def messages(request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > max_body_bytes:
            return _problem(413, f"body larger than {max_body_bytes} bytes")
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _problem(415, "expected Content-Type application/json")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _problem(413, f"body larger than {max_body_bytes} bytes")
        try:
            body = parse_activity_body(raw)
        except BadBody as bad:
            warnings.warn(request.remote, "malformed body refused: %s", bad)
            return _problem(400, str(bad))
        async with turns.slot():
            return await turn(request, body)

    async def turn(request: web.Request, body: dict[str, Any]) -> web.StreamResponse:
        """The activity through authentication, the tenant check and the bot."""
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises several kinds for wrongly typed fields
            return _problem(400, "activity has malformed fields")
        CORRELATION_ID.set(
            request.headers.get("x-ms-correlation-id")
            or f"{activity.id or ''}|{uuid.uuid4().hex[:12]}"
        )
        log.info(
            "activity received",
            extra={"activity_type": activity.type, "channel": activity.channel_id},
        )
        if not valid_service_url(activity.service_url, service_addresses):
            warnings.warn(request.remote, "activity refused: no usable serviceUrl")
            return _problem(400, "activity has no usable serviceUrl")
        if not addressed(activity):
            warnings.warn(request.remote, "activity refused: missing or malformed ids")
            return _problem(400, "activity lacks conversation, from or recipient ids")
        try:
            # Authenticate before anything else sees the activity. botbuilder raises several
            # kinds for bad tokens (PermissionError, jwt errors, IndexError for an unknown key
            # id …); every one of them means 401, never 500.
            authenticated = await adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except Exception as exc:
            warnings.warn(
                request.remote, "activity refused: authentication failed (%s)", type(exc).__name__
            )
            return _problem(401, "unauthorized")
        if authentication_enabled and not token_times_sane(
            dict(authenticated.claims_identity.claims or {}), time.time()
        ):
            warnings.warn(request.remote, "activity refused: token without sane exp/nbf")
            return _problem(401, "unauthorized")
        tenant = tenant_of(activity)
        if allowed_tenants and tenant not in allowed_tenants:
            warnings.warn(request.remote, "activity refused: tenant %r is not allowed", tenant)
            return _problem(403, "tenant not allowed")
        invoke_response = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response:
            result = invoke_response.body
            data = (
                result
                if isinstance(result, (dict, list)) or result is None
                else serializer_helper(result)
            )
            return web.json_response(data=data, status=invoke_response.status)
        return web.Response(status=201)

    return messages


class WarningsPerClient:
    """At most one WARNING line per client address and minute (the rest are counted and
    reported with the next line), for at most ``clients`` addresses at once."""

    def __init__(self, interval: float = 60.0, clients: int = 1024) -> None:
        self.interval = interval
        self.clients = clients
        self._last: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def warn(self, client: str | None, message: str, *args: object) -> None:
        key = client or "?"
        now = time.monotonic()
        last, suppressed = self._last.get(key, (float("-inf"), 0))
        if now - last < self.interval:
            self._last[key] = (last, suppressed + 1)
            return
        self._last[key] = (now, 0)
        self._last.move_to_end(key)
        while len(self._last) > self.clients:
            self._last.popitem(last=False)
        more = f" (and {suppressed} more from this client in the last minute)" if suppressed else ""
        log.warning(message + " [client %s]" + more, *args, key)


class ClientErrorLog(logging.Filter):
    """For aiohttp's server logger: a request that is not valid HTTP (a request line or header
    over 8 KB, bad bytes) is the client's mistake, not ours. aiohttp logs it as an ERROR with a
    traceback, so any client could fill the log; this turns it into one WARNING line a minute,
    with the count of the others. Install with :func:`quiet_client_errors`."""

    def __init__(self, interval: float = 60.0) -> None:
        super().__init__()
        self.interval = interval
        self._last = float("-inf")
        self._suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, HttpProcessingError):
            return True
        now = time.monotonic()
        if now - self._last < self.interval:
            self._suppressed += 1
            return False
        more = f" (and {self._suppressed} more in the last minute)" if self._suppressed else ""
        self._last, self._suppressed = now, 0
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg = f"malformed HTTP request refused: {type(error).__name__}{more}"
        record.args, record.exc_info, record.exc_text = (), None, None
        return True


def quiet_client_errors() -> None:
    """Process-wide (aiohttp's logger is one per process): called by ``app.main``."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, ClientErrorLog) for f in server_log.filters):
        server_log.addFilter(ClientErrorLog())


async def healthz(_request: web.Request) -> web.Response:
    """The process is alive (it answers HTTP); says nothing about the database."""
    return web.json_response({"status": "ok"})


def readyz_handler(store: Store, startup: StartupState, turns: TurnLimit | None = None) -> Any:
    """Ready once the database is migrated and while it answers; the turn counts say how busy
    the instance is (a turn waiting for the connector holds no slot, so a full house means
    real work, not a stuck peer)."""

    async def readyz(_request: web.Request) -> web.Response:
        load = (
            {}
            if turns is None
            else {"turns": {"busy": turns.busy, "waiting": turns.waiting, "limit": turns.limit}}
        )
        if not startup.done:
            return web.json_response(
                {"status": "starting", "detail": startup.detail, **load}, status=503
            )
        readiness = await store.readiness()
        status = 200 if readiness.ready else 503
        return web.json_response(
            {
                "status": "ready" if readiness.ready else "not ready",
                "detail": readiness.detail,
                **load,
            },
            status=status,
        )

    return readyz


class StartupState:
    """Whether the first migration and data load have finished (readyz is 503 until then)."""

    def __init__(self) -> None:
        self.done = False
        self.detail = "migrating database"
