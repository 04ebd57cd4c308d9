"""The interpreter's garbage collector, tuned for a long-running bot service."""

from __future__ import annotations

import gc

# Allocations between collections of the youngest generation (CPython's default is 700).
YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Collect the young generation every 50,000 allocations instead of every 700.

    botbuilder builds its msrest clients anew for every activity and leaves about 200 objects
    per activity in reference cycles, so with CPython's defaults the collector runs every few
    activities. Each run then also walks the objects of every request still in flight (a vote
    waiting for the database), promotes them, and so ends in repeated full collections of the
    whole heap: 25-30 % of the bot's CPU during a meeting's burst of votes (measured with
    bench/polls.py). Collecting less often costs a few megabytes of garbage at most.
    Process-wide, so it is set by the entry point (``app.main``), not by the app factory.
    """
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
