"""Sending proactive messages without being throttled by Teams, and what to do when we are.

Teams limits what a bot may post: per conversation about 7 messages a second and 60 in 30
seconds, per tenant about 50 a second (Microsoft's published bot rate limits). A digest run
for 98 municipalities and their channels would hit those in a burst, so every send first
waits in :meth:`RateLimiter.acquire`; a reply of 429/5xx is then retried by
:func:`retry_decision`'s rules, and a 403/404 means the bot was removed from the
conversation (stop sending there, do not retry).

Pure asyncio with an injectable monotonic clock and sleep, so tests prove the limits in
virtual time instead of waiting for them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random as _random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Final

__all__ = [
    "RateLimiter",
    "RetryDecision",
    "RetryPolicy",
    "SendResult",
    "ThrottleConfig",
    "Verdict",
    "Window",
    "retry_decision",
    "send_with_retries",
]

# Guarantees progress when float rounding leaves a wait of a few ulps.
_MIN_SLEEP: Final = 1e-6
# How many acquisitions between sweeps of idle conversations (bounded memory, cheap sweeps).
_SWEEP_EVERY: Final = 256


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``limit`` sends in any ``seconds``-long stretch of time."""

    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.seconds <= 0:
            raise ValueError(f"a rate window needs limit >= 1 and seconds > 0: {self}")


@dataclass(frozen=True, slots=True)
class ThrottleConfig:
    """Teams' documented limits for proactive messages, kept slightly configurable."""

    per_conversation: tuple[Window, ...] = (Window(7, 1.0), Window(60, 30.0))
    per_tenant: tuple[Window, ...] = (Window(50, 1.0),)


@dataclass(slots=True)
class _Log:
    """Send times of one conversation or tenant within its longest window, oldest first."""

    windows: tuple[Window, ...]
    times: deque[float] = field(default_factory=deque)

    def forget_before(self, now: float) -> None:
        longest = max((w.seconds for w in self.windows), default=0.0)
        while self.times and self.times[0] + longest <= now:
            self.times.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more send fits every window (0 when it fits now)."""
        wait = 0.0
        for window in self.windows:
            if len(self.times) >= window.limit:
                wait = max(wait, self.times[-window.limit] + window.seconds - now)
        return wait


class RateLimiter:
    """Waits until a send to a conversation fits both its own and its tenant's limits.

    Sends to one conversation leave in the order they asked (a lock per conversation), so a
    digest and its follow-up never swap places; different conversations do not wait for each
    other beyond the tenant's limit.
    """

    def __init__(
        self,
        config: ThrottleConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._config = config or ThrottleConfig()
        self._clock = clock
        self._sleep = sleep
        self._conversations: dict[tuple[str, str], _Log] = {}
        self._tenants: dict[str, _Log] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._acquired = 0

    def delay(self, tenant: str, conversation: str) -> float:
        """Seconds a send would have to wait now (0.0 = it may go at once); records nothing."""
        now = self._clock()
        return max(log.wait(now) for log in self._logs(tenant, conversation, now))

    async def acquire(self, tenant: str, conversation: str) -> None:
        """Return when a send to ``conversation`` in ``tenant`` is allowed, counting it as sent."""
        key = (tenant, conversation)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            while True:
                now = self._clock()
                logs = self._logs(tenant, conversation, now)
                wait = max(log.wait(now) for log in logs)
                if wait <= 0:
                    for log in logs:
                        log.times.append(now)
                    break
                await self._sleep(max(wait, _MIN_SLEEP))
        self._acquired += 1
        if self._acquired % _SWEEP_EVERY == 0:
            self._sweep(self._clock())

    def _logs(self, tenant: str, conversation: str, now: float) -> tuple[_Log, _Log]:
        conv = self._conversations.get((tenant, conversation))
        if conv is None:
            conv = self._conversations[(tenant, conversation)] = _Log(self._config.per_conversation)
        ten = self._tenants.get(tenant)
        if ten is None:
            ten = self._tenants[tenant] = _Log(self._config.per_tenant)
        conv.forget_before(now)
        ten.forget_before(now)
        return conv, ten

    def _sweep(self, now: float) -> None:
        """Drop conversations and tenants with nothing left in their windows."""
        for key, log in list(self._conversations.items()):
            log.forget_before(now)
            lock = self._locks.get(key)
            if not log.times and (lock is None or not lock.locked()):
                del self._conversations[key]
                self._locks.pop(key, None)
        for tenant, log in list(self._tenants.items()):
            log.forget_before(now)
            if not log.times:
                del self._tenants[tenant]


# --------------------------------------------------------------------------- retries


class Verdict(StrEnum):
    SENT = "sent"  # 2xx: done
    RETRY = "retry"  # wait ``delay`` seconds and send again
    GONE = "gone"  # 403/404: the bot is no longer in the conversation; stop sending there
    GIVE_UP = "give_up"  # a request Teams will never accept, or too many attempts


@dataclass(frozen=True, slots=True)
class RetryDecision:
    verdict: Verdict
    delay: float = 0.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff: attempt n waits about ``base * 2**(n-1)``, at most
    ``max_delay``, jittered so that many conversations do not retry in lockstep."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0


_BACKOFF_STATUSES: Final = frozenset({412, 429, 502, 503, 504})
_GONE_STATUSES: Final = frozenset({403, 404})


def _retry_after_seconds(value: str | None, now: dt.datetime | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (needs ``now``)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    if now is None:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _backoff(attempt: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """ "Equal jitter": half the exponential step for sure, the other half at random."""
    step: float = min(policy.max_delay, policy.base_delay * 2.0 ** max(0, attempt - 1))
    return step / 2 + random() * step / 2


def retry_decision(
    status: int,
    retry_after: str | None,
    attempt: int,
    *,
    policy: RetryPolicy | None = None,
    random: Callable[[], float] = _random.random,
    now: dt.datetime | None = None,
) -> RetryDecision:
    """What to do after attempt number ``attempt`` (1 = the first) got HTTP ``status``.

    429 with Retry-After waits exactly that long; 429 without it and 412/502/503/504 back off
    exponentially with jitter, as do other 5xx; 403/404 mean the conversation is gone; other
    4xx will never succeed. Retries stop after ``policy.max_attempts`` attempts. ``now``
    (timezone-aware) is needed only for a Retry-After written as a date.
    """
    policy = policy or RetryPolicy()
    if 200 <= status < 300:
        return RetryDecision(Verdict.SENT, reason=f"HTTP {status}")
    if status in _GONE_STATUSES:
        return RetryDecision(
            Verdict.GONE, reason=f"HTTP {status}: the bot is not in this conversation any more"
        )
    retryable = status in _BACKOFF_STATUSES or 500 <= status < 600
    if not retryable:
        return RetryDecision(Verdict.GIVE_UP, reason=f"HTTP {status} will not succeed on retry")
    if attempt >= policy.max_attempts:
        return RetryDecision(
            Verdict.GIVE_UP, reason=f"HTTP {status} after {attempt} attempts; giving up"
        )
    if status == 429:
        wait = _retry_after_seconds(retry_after, now)
        if wait is not None:
            return RetryDecision(Verdict.RETRY, wait, "HTTP 429: waiting as Retry-After says")
    return RetryDecision(
        Verdict.RETRY, _backoff(attempt, policy, random), f"HTTP {status}: backing off"
    )


SendResult = tuple[int, str | None]  # (HTTP status, Retry-After header or None)


async def send_with_retries(
    send: Callable[[], Awaitable[SendResult]],
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    random: Callable[[], float] = _random.random,
    now: Callable[[], dt.datetime] | None = None,
) -> RetryDecision:
    """Send until it succeeds, the conversation is gone, or the policy gives up.

    ``send`` performs one attempt (including :meth:`RateLimiter.acquire`, so retries are
    rate limited too) and returns the status and Retry-After header. The final decision is
    returned: SENT, GONE or GIVE_UP.
    """
    attempt = 0
    while True:
        attempt += 1
        status, retry_after = await send()
        decision = retry_decision(
            status,
            retry_after,
            attempt,
            policy=policy,
            random=random,
            now=now() if now is not None else None,
        )
        if decision.verdict is not Verdict.RETRY:
            return decision
        await sleep(decision.delay)
