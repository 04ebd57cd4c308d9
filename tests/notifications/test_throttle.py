"""Sending within Teams' limits, proved in virtual time.

Per conversation at most 7 messages in any second and 60 in any 30 seconds; per tenant at
most 50 in any second. The limiter runs on a fake monotonic clock whose ``sleep`` only
advances virtual time, so 100 sends "take" 30 seconds in a few milliseconds.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import heapq
import itertools
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

from notifications.throttle import (
    RateLimiter,
    RetryDecision,
    RetryPolicy,
    SendResult,
    ThrottleConfig,
    Verdict,
    Window,
    retry_decision,
    send_with_retries,
)


class VirtualTime:
    """A monotonic clock and sleep in virtual time, for any number of concurrent tasks."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def run(self, *coroutines: Coroutine[Any, Any, Any]) -> list[Any]:
        """Run tasks to the end, jumping the clock to the next wake-up whenever all wait."""
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(t.done() for t in tasks):
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if not self._sleepers:
                continue
            wake = self._sleepers[0][0]
            self.now = max(self.now, wake)
            while self._sleepers and self._sleepers[0][0] <= self.now:
                heapq.heappop(self._sleepers)[2].set_result(None)
        return [t.result() for t in tasks]


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The largest number of sends in any half-open window [t, t + seconds)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + seconds) - i for i, t in enumerate(times)), default=0)


@pytest.fixture
def virtual() -> VirtualTime:
    return VirtualTime()


def limiter(virtual: VirtualTime, config: ThrottleConfig | None = None) -> RateLimiter:
    return RateLimiter(config, clock=virtual.clock, sleep=virtual.sleep)


async def send_all(
    virtual: VirtualTime, rate: RateLimiter, targets: list[tuple[str, str]]
) -> dict[tuple[str, str], list[float]]:
    """Send one message per target, all at once; the virtual time each one left."""
    sent: dict[tuple[str, str], list[float]] = {}

    async def one(tenant: str, conversation: str) -> None:
        await rate.acquire(tenant, conversation)
        sent.setdefault((tenant, conversation), []).append(virtual.now)

    await virtual.run(*(one(t, c) for t, c in targets))
    return sent


# --- the limits ---------------------------------------------------------------------------------


async def test_seven_a_second_to_one_conversation(virtual: VirtualTime) -> None:
    rate = limiter(virtual)
    sent = await send_all(virtual, rate, [("t", "c")] * 8)
    assert sent[("t", "c")] == [0.0] * 7 + [1.0]


async def test_a_hundred_messages_to_one_conversation_take_the_30_seconds_the_window_demands(
    virtual: VirtualTime,
) -> None:
    rate = limiter(virtual)
    sent = (await send_all(virtual, rate, [("t", "c")] * 100))[("t", "c")]
    assert len(sent) == 100
    assert sent[-1] >= 30.0  # the 61st message cannot leave before the 1st is 30 s old
    assert sent[-1] <= 36.0  # … and the limiter does not wait longer than it must
    assert most_in_any_window(sent, 1.0) <= 7
    assert most_in_any_window(sent, 30.0) <= 60
    assert sent == sorted(sent)


async def test_one_conversation_keeps_its_order(virtual: VirtualTime) -> None:
    rate = limiter(virtual)
    order: list[int] = []

    async def one(i: int) -> None:
        await rate.acquire("t", "c")
        order.append(i)

    await virtual.run(*(one(i) for i in range(30)))
    assert order == list(range(30))


async def test_500_sends_across_100_conversations_never_exceed_50_a_second_per_tenant(
    virtual: VirtualTime,
) -> None:
    rate = limiter(virtual)
    targets = [("tenant", f"conversation-{i % 100}") for i in range(500)]
    sent = await send_all(virtual, rate, targets)
    everything = [t for times in sent.values() for t in times]
    assert len(everything) == 500
    assert most_in_any_window(everything, 1.0) <= 50
    assert max(everything) >= 9.0  # 500 at 50 a second: at least 10 one-second windows
    assert max(everything) <= 10.5
    for times in sent.values():
        assert most_in_any_window(times, 1.0) <= 7


async def test_tenants_do_not_share_a_limit(virtual: VirtualTime) -> None:
    rate = limiter(virtual)
    targets = [(f"tenant-{i % 2}", f"conversation-{i % 20}-{i % 2}") for i in range(100)]
    sent = await send_all(virtual, rate, targets)
    assert all(t == 0.0 for times in sent.values() for t in times)  # 2 × 50: all at once


async def test_a_busy_conversation_does_not_hold_up_another(virtual: VirtualTime) -> None:
    rate = limiter(virtual)
    sent = await send_all(virtual, rate, [("t", "busy")] * 20 + [("t", "quiet")])
    assert sent[("t", "quiet")] == [0.0]
    assert max(sent[("t", "busy")]) == 2.0


async def test_limits_are_configurable(virtual: VirtualTime) -> None:
    config = ThrottleConfig(per_conversation=(Window(2, 10.0),), per_tenant=(Window(100, 1.0),))
    rate = limiter(virtual, config)
    sent = await send_all(virtual, rate, [("t", "c")] * 6)
    assert sent[("t", "c")] == [0.0, 0.0, 10.0, 10.0, 20.0, 20.0]
    assert rate.delay("t", "c") == 10.0  # the next one would wait; asking records nothing
    assert rate.delay("t", "other") == 0.0
    with pytest.raises(ValueError):
        Window(0, 1.0)


async def test_the_real_clock_is_the_default() -> None:
    rate = RateLimiter()
    await asyncio.wait_for(rate.acquire("t", "c"), timeout=1.0)


# --- retries ------------------------------------------------------------------------------------

NEVER_RANDOM = 0.0  # the jitter's lower bound: half the step
ALWAYS_RANDOM = 1.0  # its upper bound: the full step


def decide(
    status: int, retry_after: str | None = None, attempt: int = 1, jitter: float = 0.5
) -> RetryDecision:
    return retry_decision(status, retry_after, attempt, random=lambda: jitter)


def test_success_is_done() -> None:
    assert decide(201).verdict is Verdict.SENT


def test_429_with_retry_after_waits_exactly_that_long() -> None:
    assert decide(429, "7") == RetryDecision(
        Verdict.RETRY, 7.0, "HTTP 429: waiting as Retry-After says"
    )
    assert decide(429, "0.5").delay == 0.5


def test_429_with_a_retry_after_date() -> None:
    now = dt.datetime(2025, 11, 25, 9, 0, 0, tzinfo=dt.UTC)
    decision = retry_decision(429, "Tue, 25 Nov 2025 09:00:30 GMT", 1, now=now, random=lambda: 0.5)
    assert decision == RetryDecision(Verdict.RETRY, 30.0, "HTTP 429: waiting as Retry-After says")


@pytest.mark.parametrize("status", [429, 412, 502, 503, 504, 500, 507])
def test_throttling_and_server_errors_back_off_exponentially_with_jitter(status: int) -> None:
    lows = [decide(status, None, attempt, NEVER_RANDOM).delay for attempt in (1, 2, 3, 4)]
    highs = [decide(status, None, attempt, ALWAYS_RANDOM).delay for attempt in (1, 2, 3, 4)]
    assert lows == [0.5, 1.0, 2.0, 4.0]
    assert highs == [1.0, 2.0, 4.0, 8.0]
    assert decide(status).verdict is Verdict.RETRY


def test_unreadable_retry_after_falls_back_to_backoff() -> None:
    assert decide(429, "soon", jitter=NEVER_RANDOM).delay == 0.5
    assert decide(429, "Tue, 25 Nov 2025 09:00:30 GMT", jitter=NEVER_RANDOM).delay == 0.5  # no now


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(max_attempts=20, base_delay=1.0, max_delay=60.0)
    decision = retry_decision(503, None, 15, policy=policy, random=lambda: ALWAYS_RANDOM)
    assert decision.delay == 60.0


def test_retries_are_bounded() -> None:
    assert decide(503, None, attempt=4).verdict is Verdict.RETRY
    last = decide(503, None, attempt=5)
    assert last.verdict is Verdict.GIVE_UP and "5 attempts" in last.reason
    assert decide(429, "1", attempt=5).verdict is Verdict.GIVE_UP


@pytest.mark.parametrize("status", [403, 404])
def test_a_conversation_that_is_gone_is_not_retried(status: int) -> None:
    assert decide(status).verdict is Verdict.GONE


@pytest.mark.parametrize("status", [400, 401, 405, 413, 422])
def test_other_client_errors_give_up_at_once(status: int) -> None:
    assert decide(status).verdict is Verdict.GIVE_UP


async def test_send_with_retries_follows_the_policy(virtual: VirtualTime) -> None:
    replies: Iterator[SendResult] = iter([(429, "3"), (503, None), (201, None)])
    calls: list[float] = []

    async def send() -> SendResult:
        calls.append(virtual.now)
        return next(replies)

    async def run() -> RetryDecision:
        return await send_with_retries(send, sleep=virtual.sleep, random=lambda: NEVER_RANDOM)

    (outcome,) = await virtual.run(run())
    assert outcome.verdict is Verdict.SENT
    assert calls == [0.0, 3.0, 4.0]  # Retry-After 3 s, then backoff 1 s (attempt 2, low jitter)


async def test_send_with_retries_stops_when_the_conversation_is_gone(virtual: VirtualTime) -> None:
    calls = 0

    async def send() -> SendResult:
        nonlocal calls
        calls += 1
        return (404, None)

    async def run() -> RetryDecision:
        return await send_with_retries(send, sleep=virtual.sleep)

    (outcome,) = await virtual.run(run())
    assert outcome.verdict is Verdict.GONE and calls == 1
