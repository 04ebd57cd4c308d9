"""Every call to the Bot Connector goes out on one aiohttp session, with deadlines.

botbuilder's connector client sends through msrest's default pipeline, which runs ``requests``
in the event loop's default thread pool (a handful of threads) with a 100-second timeout and
retries: a connector that accepts the connection and never answers held every thread, and
then every reply of every conversation waited. Here each client that botbuilder creates for a
turn (inbound or proactive) gets a pipeline built from msrest's public parts — the client's own
user-agent and logging policies, msrest's raw deserialiser, a policy that adds the bot's token,
and a sender on a shared :class:`aiohttp.ClientSession` with connect and total timeouts from
the settings. Connections are reused across turns, and no thread is involved.

While a turn waits for the connector it holds no turn slot (:class:`bot.routes.TurnLimit`):
the first outbound request of a turn gives its slot back, so turns stuck on a slow or dead
connector never keep another conversation's question from being answered.

Where a destination is forbidden (:mod:`bot.addresses`), the session's resolver returns no
address for it, so the check holds on the address actually connected to.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from botbuilder.core import Middleware, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.auth import AuthenticationConstants
from msrest.pipeline.aiohttp import AioHTTPSender
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.aiohttp import AioHttpClientResponse
from msrest.universal_http.async_abc import AsyncHTTPSender as AsyncHTTPDriver

from bot.addresses import CONNECTOR_ADDRESSES, AddressPolicy
from kombitbot.settings import Settings

log = logging.getLogger(__name__)

# Set by the HTTP route for the duration of an inbound turn: called once, when the turn first
# talks to the connector (see the module docstring).
RELEASE_TURN_SLOT: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "release_turn_slot", default=None
)


@dataclass(frozen=True, slots=True)
class OutboundTimeouts:
    """Seconds; ``total`` bounds a whole request (connect, send, answer, body)."""

    connect: float = 5.0
    total: float = 10.0


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then keeps only the addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        allowed = [r for r in found if self._policy.allows_address(r["host"], host)]
        if not allowed:
            raise OSError(f"{host}: no address the bot may connect to")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class _SharedSessionDriver(AsyncHTTPDriver):
    """msrest's HTTP driver interface over a session this module owns (never closed here)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> _SharedSessionDriver:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def send(self, request: Any, **_config: Any) -> Any:
        release = RELEASE_TURN_SLOT.get()
        if release is not None:
            release()
        async with self._session.request(
            request.method, request.url, headers=dict(request.headers), data=request.data
        ) as raw:
            response = AioHttpClientResponse(request, raw)
            await response.load_body()
            return response


class _ChannelToken(AsyncHTTPPolicy[Any, Any]):
    """Adds the bot's own token, as botbuilder's credentials do for ``requests`` sessions."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    async def send(self, request: Any, **kwargs: Any) -> Any:
        app_id = getattr(self._credentials, "microsoft_app_id", None)
        if app_id and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            token = self._credentials.get_access_token()
            request.http_request.headers["Authorization"] = f"Bearer {token}"
        assert self.next is not None  # the pipeline links every policy to the next
        return await self.next.send(request, **kwargs)


class ConnectorHttp(Middleware):  # type: ignore[misc]
    """Adapter middleware: gives each turn's connector client the shared, bounded pipeline."""

    def __init__(
        self, timeouts: OutboundTimeouts, addresses: AddressPolicy = CONNECTOR_ADDRESSES
    ) -> None:
        self.timeouts = timeouts
        self.addresses = addresses
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectorHttp:
        return cls(
            OutboundTimeouts(
                connect=settings.outbound_connect_timeout_seconds,
                total=settings.outbound_timeout_seconds,
            )
        )

    def session(self) -> aiohttp.ClientSession:
        """The shared session, made on first use (it needs the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(
                    total=self.timeouts.total,
                    connect=self.timeouts.connect,
                    sock_connect=self.timeouts.connect,
                ),
                connector=aiohttp.TCPConnector(
                    limit=0,  # no global cap: one dead host must not use up everyone's share
                    limit_per_host=256,
                    resolver=GuardedResolver(self.addresses),
                ),
            )
        return self._session

    def pipeline(self, config: Any) -> Any:
        policies = [
            config.user_agent_policy,
            _ChannelToken(config.credentials),
            RawDeserializer(),
            config.http_logger_policy,
        ]
        # msrest annotates ``driver`` as its own aiohttp driver; any driver of its abstract
        # interface is what the sender calls.
        driver: Any = _SharedSessionDriver(self.session())
        return AsyncPipeline(policies, AioHTTPSender(driver))

    async def on_turn(self, context: TurnContext, logic: Callable[[], Any]) -> None:
        client = context.turn_state.get(CloudAdapter.BOT_CONNECTOR_CLIENT_KEY)
        if client is not None:
            client.config.pipeline = self.pipeline(client.config)
        await logic()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            # aiohttp's advice: give the transports a moment to close before the loop ends.
            await asyncio.sleep(0)
