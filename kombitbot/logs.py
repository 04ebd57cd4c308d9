"""Logging set-up for the service: one line per record, time in UTC, level from settings."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # botbuilder's connector logs request bodies at DEBUG; keep message text out of logs.
    logging.getLogger("msrest").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
