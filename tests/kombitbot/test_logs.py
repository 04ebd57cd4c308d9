"""Logs are JSON lines, tied together by a correlation id, and carry no message text."""

from __future__ import annotations

import io
import json
import logging

from kombitbot.logs import CorrelationFilter, JsonFormatter
from tests.conftest import BotClient


async def test_one_activity_logs_json_lines_with_one_correlation_id_and_no_text(
    bot: BotClient,
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        await bot.ask("Hvilke aftaler mangler Vejle at underskrive? hemmelig-tekst-42")
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    received = [e for e in entries if e["message"] == "activity received"]
    assert received, entries
    assert received[0]["activity_type"] == "message"
    correlation = received[0]["correlation_id"]
    assert correlation.startswith(bot.connector.received[0].reply_to_id or "")
    assert all(e["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") for e in entries)
    assert "hemmelig-tekst-42" not in stream.getvalue()
