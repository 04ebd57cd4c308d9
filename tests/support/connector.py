"""A local stand-in for Microsoft's Bot Connector: records what the bot sends to Teams.

It serves the routes botbuilder's ConnectorClient calls at an activity's ``serviceUrl``:
send to a conversation, reply to an activity, update and delete an activity.
"""

from __future__ import annotations

import asyncio
import itertools
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


@dataclass
class MockConnector:
    """Run with :meth:`start`; ``service_url`` goes into the activities the tests post."""

    received: list[ReceivedActivity] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/"

    async def start(self) -> None:
        app = web.Application()
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
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(
        self, request: web.Request, method: str, reply_to: str | None
    ) -> web.Response:
        body = await request.json()
        async with self._arrived:
            self.received.append(
                ReceivedActivity(method, request.match_info["conversation_id"], reply_to, body)
            )
            self._arrived.notify_all()
        return web.json_response({"id": f"mock-{next(self._ids)}"})

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
