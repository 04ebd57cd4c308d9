"""One bot of bench/latency.py in a process of its own: kombitbot (the service as ``app.main``
builds it, with the clock fixed at the bench's date) or the trivial echo bot on the same
aiohttp/CloudAdapter stack. Each process has the service's garbage-collector setting and pays
only for its own garbage, as a deployed bot would.

Run by bench/latency.py:  python bench/_latency_server.py kombitbot|echo PORT DATABASE_URL
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext  # noqa: E402

from app import create_app  # noqa: E402
from bot.adapter import create_adapter  # noqa: E402
from bot.routes import messages_handler  # noqa: E402
from kombitbot.gc_tuning import tune_garbage_collector  # noqa: E402
from kombitbot.settings import Settings  # noqa: E402

# Shortly after the newest deck, as in the tests: the answers are those of the example set.
NOW = dt.datetime(2025, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


class EchoBot(ActivityHandler):  # type: ignore[misc]
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text or ""))


async def _ready(_request: web.Request) -> web.Response:
    return web.Response(text="ready")


def echo_app(settings: Settings) -> web.Application:
    app = web.Application()
    adapter = create_adapter(settings)

    async def close_adapter(_app: web.Application) -> None:
        await adapter.close()

    app.on_cleanup.append(close_adapter)
    app.router.add_post(
        "/api/messages",
        messages_handler(
            adapter,
            EchoBot(),
            settings.max_body_bytes,
            max_concurrent_turns=settings.max_concurrent_turns,
        ),
    )
    app.router.add_get("/readyz", _ready)
    return app


def main(which: str, port: int, database_url: str) -> None:
    tune_garbage_collector()  # as app.main does
    settings = Settings(database_url=database_url)
    app = create_app(settings, clock=lambda: NOW) if which == "kombitbot" else echo_app(settings)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
