"""A local stand-in for Microsoft's Bot Connector: records what the bot sends to Teams.

It serves the routes botbuilder's ConnectorClient calls at an activity's ``serviceUrl``:
send to a conversation, reply to an activity, update and delete an activity. It also stands in
for SharePoint/OneDrive when a user attaches a file in Teams: :meth:`MockConnector.serve_file`
publishes bytes at ``GET /files/{name}`` (the attachment's ``downloadUrl``) and every GET there
is recorded in ``downloads``.

For proactive sends it can also misbehave as Teams does under load: :class:`Faults` makes a
share of sends and updates fail with 429 (with or without Retry-After), 500 or 403, adds
latency, or holds sends unanswered (see :attr:`Faults.hold_after`).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(slots=True)
class ReceivedActivity:
    method: str
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str = ""
    at: float = field(default_factory=time.monotonic)  # when it arrived (benchmarks)

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def summary(self) -> str:
        return str(self.activity.get("summary") or "")

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def all_text(self) -> str:
        """Everything a user could read: message text, summary, and every card string."""
        parts = [self.text, self.summary]
        for card in self.cards:
            parts.extend(_strings(card))
        return "\n".join(p for p in parts if p)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@dataclass(frozen=True, slots=True)
class Faults:
    """What share of sends (POST) and updates (PUT) the mock refuses, and how.

    ``rate_429`` are answered 429, ``share_429_without_retry_after`` of them without a
    Retry-After header (the others with ``retry_after`` seconds); ``rate_500`` are answered 500;
    a conversation id in ``gone`` is always answered ``gone_status`` (the bot was removed). Refused
    requests are not recorded in ``received`` (Teams did not post them) but in ``refused``.
    ``latency`` delays every answer. ``hold_after``: once that many sends were recorded, further
    sends wait unanswered and unrecorded until :meth:`MockConnector.release`, and are dropped if
    the sender went away meanwhile (a killed process). Draws are seeded with ``seed``.
    """

    rate_429: float = 0.0
    share_429_without_retry_after: float = 0.0
    retry_after: str = "0.05"
    rate_500: float = 0.0
    gone: frozenset[str] = frozenset()
    gone_status: int = 403  # or 404: both mean the bot is not in that conversation any more
    latency: float = 0.0
    hold_after: int | None = None
    max_refusals: int | None = None  # after that many refusals, answer everything again
    seed: int = 0


@dataclass
class MockConnector:
    """Run with :meth:`start`; ``service_url`` goes into the activities the tests post."""

    received: list[ReceivedActivity] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    downloads: list[str] = field(default_factory=list)  # names of files fetched (GET /files/…)
    _files: dict[str, tuple[bytes, bool]] = field(default_factory=dict)
    _redirects: dict[str, str] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)  # OneDrive uploads (PUT /upload/…)
    # Teams' channel list per team id (GET /v3/teams/{id}/conversations); a team not listed
    # here has only its General channel, whose id is the team's and which has no name.
    team_channels: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    channel_lists: list[str] = field(default_factory=list)  # team ids whose channels were asked
    faults: Faults | None = None  # set by fault-injection tests; None answers everything
    refused: list[tuple[int, str]] = field(default_factory=list)  # (status, conversation id)
    held: int = 0  # sends waiting right now because of Faults.hold_after
    dropped: int = 0  # held sends whose sender went away
    _random: tuple[Faults, random.Random] | None = None
    _released: bool = False
    _stopping: bool = False
    _transports: set[asyncio.BaseTransport] = field(default_factory=set)
    _sends_let_through: int = 0  # with Faults.hold_after: sends not held so far

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/"

    @property
    def open_connections(self) -> int:
        """Connections the bot opened to this connector that are still open."""
        return sum(1 for transport in self._transports if not transport.is_closing())

    @property
    def connections_opened(self) -> int:
        """Connections the bot opened to this connector so far, open or closed."""
        return len(self._transports)

    @web.middleware
    async def _track(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.transport is not None:
            self._transports.add(request.transport)
        response: web.StreamResponse = await handler(request)
        return response

    async def start(self) -> None:
        app = web.Application(middlewares=[self._track])
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._send)
        app.router.add_post(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._reply
        )
        app.router.add_put(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._update
        )
        app.router.add_delete(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", self._delete
        )
        app.router.add_get("/files/{name}", self._file)
        app.router.add_get("/v3/teams/{team_id}/conversations", self._channels)
        app.router.add_put("/upload/{name}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def serve_file(self, name: str, content: bytes, *, chunked: bool = False) -> str:
        """Publish ``content`` at ``GET /files/{name}``; returns its download URL.

        ``chunked`` sends it without a Content-Length, as a server that does not say (or lies
        about) the size would, so a size cap must hold while reading.
        """
        self._files[name] = (content, chunked)
        return f"{self.service_url}files/{name}"

    def serve_redirect(self, name: str, location: str) -> str:
        """``GET /files/{name}`` answers 302 to ``location``; returns its URL."""
        self._redirects[name] = location
        return f"{self.service_url}files/{name}"

    async def _file(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.downloads.append(name)
        if name in self._redirects:
            raise web.HTTPFound(self._redirects[name])
        if name not in self._files:
            return web.Response(status=404)
        content, chunked = self._files[name]
        if not chunked:
            return web.Response(body=content, content_type="application/octet-stream")
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for start in range(0, len(content), 4096):
                await response.write(content[start : start + 4096])
            await response.write_eof()
        except ConnectionResetError:
            pass  # the client stopped reading (a size cap): fine
        return response

    def upload_url(self, name: str) -> str:
        """Where Teams would let the bot upload a file the user accepted (file consent)."""
        return f"{self.service_url}upload/{name}"

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = f"bytes 0-{len(body) - 1}/{len(body)}"
        if request.headers.get("Content-Range") != expected:
            return web.Response(status=400, text="bad Content-Range")
        self.uploads[request.match_info["name"]] = body
        return web.json_response({"id": "file-1"}, status=201)

    async def stop(self) -> None:
        self._stopping = True  # sends still held give up instead of keeping cleanup waiting
        if self._runner is not None:
            await self._runner.cleanup()

    def release(self) -> None:
        """Answer the sends held by :attr:`Faults.hold_after`, and all later ones."""
        self._released = True

    def _draw(self, faults: Faults) -> float:
        if self._random is None or self._random[0] is not faults:
            self._random = (faults, random.Random(faults.seed))
        return self._random[1].random()

    async def _fault(self, request: web.Request, method: str) -> web.Response | None:
        """The refusal ``faults`` call for, or None to record the activity."""
        faults = self.faults
        if faults is None:
            return None
        if faults.latency:
            await asyncio.sleep(faults.latency)
        conversation = request.match_info["conversation_id"]
        if method != "update" and faults.hold_after is not None:
            # Count the sends let through, not those recorded: a send is recorded only after
            # its body was read, and two could otherwise both pass while one is being read.
            recorded = sum(1 for r in self.received if r.method != "update")
            sends = max(recorded, self._sends_let_through)
            if sends < faults.hold_after or self._released:
                self._sends_let_through = sends + 1
            else:
                self.held += 1
                try:
                    while not self._released:
                        if (
                            self._stopping
                            or request.transport is None
                            or request.transport.is_closing()
                        ):
                            self.dropped += 1
                            return web.Response(status=499)
                        await asyncio.sleep(0.01)
                finally:
                    self.held -= 1
        status = 0
        headers: dict[str, str] = {}
        if faults.max_refusals is not None and len(self.refused) >= faults.max_refusals:
            return None
        draw = self._draw(faults)
        if conversation in faults.gone:
            status = faults.gone_status
        elif draw < faults.rate_429:
            status = 429
            if self._draw(faults) >= faults.share_429_without_retry_after:
                headers["Retry-After"] = faults.retry_after
        elif draw < faults.rate_429 + faults.rate_500:
            status = 500
        if not status:
            return None
        self.refused.append((status, conversation))
        error = {"error": {"code": "Refused", "message": f"mock fault {status}"}}
        return web.json_response(error, status=status, headers=headers)

    async def _record(
        self, request: web.Request, method: str, reply_to: str | None
    ) -> web.Response:
        refusal = await self._fault(request, method)
        if refusal is not None:
            return refusal
        body = await request.json()
        async with self._arrived:
            self.received.append(
                ReceivedActivity(method, request.match_info["conversation_id"], reply_to, body)
            )
            self._arrived.notify_all()
        return web.json_response({"id": f"mock-{next(self._ids)}"})

    async def _channels(self, request: web.Request) -> web.Response:
        team_id = request.match_info["team_id"]
        self.channel_lists.append(team_id)
        channels = self.team_channels.get(team_id, [{"id": team_id}])
        return web.json_response({"conversations": channels})

    async def _unmatched(self, request: web.Request) -> web.Response:
        """A request a real Bot Connector would not understand either: recorded, JSON 404."""
        self.unmatched.append(f"{request.method} {request.raw_path}")
        return web.json_response({"error": {"code": "NotFound"}}, status=404)

    async def _send(self, request: web.Request) -> web.Response:
        return await self._record(request, "send", None)

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._record(request, "reply", request.match_info["activity_id"])

    async def _update(self, request: web.Request) -> web.Response:
        return await self._record(request, "update", request.match_info["activity_id"])

    async def _delete(self, request: web.Request) -> web.Response:
        async with self._arrived:
            self.received.append(
                ReceivedActivity(
                    "delete",
                    request.match_info["conversation_id"],
                    request.match_info["activity_id"],
                    {},
                )
            )
            self._arrived.notify_all()
        return web.Response(status=200)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedActivity]:
        """Wait until at least ``count`` activities arrived; return them all."""
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.received) >= count), timeout
            )
        return list(self.received)
