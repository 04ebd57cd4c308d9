"""Sending one digest card to one conversation, within Teams' limits, with the ledger kept.

A send is a proactive message: ``CloudAdapter.continue_conversation`` with the bot's app id
and the stored conversation reference, then a *new* message in that conversation (not a
reply to some old thread). Every HTTP attempt first waits in the :class:`RateLimiter` (per
conversation and per tenant), and the answer decides what happens next
(:func:`notifications.throttle.retry_decision`): 429 with Retry-After waits that long, 429
without it and 412/5xx back off exponentially with jitter for a bounded number of attempts,
403/404 mean the bot was removed there (the conversation is marked gone, no retry).

How Bot Framework reports an HTTP answer: ``botframework.connector`` raises
``botbuilder.schema.ErrorResponseException``, an msrest ``HttpOperationError`` whose
``.response`` is the HTTP response (``.status``/``.status_code``, ``.headers["Retry-After"]``).
No answer at all (connection refused, timeout) is an aiohttp, msrest or OS error or a
``TimeoutError``; an answer that is not JSON is azure-core's ``DeserializationError``.
CloudAdapter's turn-error handler would swallow all of these, so the callback catches them
itself and hands them back.

Every attempt is logged (JSON logs: key, conversation row, attempt, status, verdict — no
message text) and its outcome kept in the ledger row (attempts, last_status, last_error).
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import logging
import random as _random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Literal

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.activities import reference_from_json, reply_activity
from dialogs.reply import Reply
from kombitbot.settings import Settings
from notifications.throttle import (
    RateLimiter,
    RetryPolicy,
    SendResult,
    ThrottleConfig,
    Verdict,
    Window,
    send_with_retries,
)
from store.deliveries import Claim, Deliveries
from store.reminder_targets import ReminderTarget

__all__ = [
    "DigestSender",
    "SendOutcome",
    "http_status",
    "retry_policy",
    "throttle_config",
]

log = logging.getLogger(__name__)

_OK: Final = 200
_NO_ANSWER: Final = 503  # no HTTP answer at all: as transient as an overloaded service
_GARBLED: Final = 502  # an answer that was not the connector's JSON
_BUG: Final = 0  # our own exception: retrying in this run will not help
JITTER: Final = 0.1  # seconds of latency difference the rate windows allow for
UPDATE_ATTEMPTS: Final = 3


def throttle_config(settings: Settings) -> ThrottleConfig:
    """Teams' limits as configured (KOMBITBOT_TEAMS_RATE_*).

    Teams counts messages as they arrive, the limiter as they leave; requests that leave a
    window apart can arrive closer together when their latencies differ, so every window is
    :data:`JITTER` seconds longer than Teams' own.
    """
    return ThrottleConfig(
        per_conversation=(
            Window(settings.teams_rate_per_conversation, 1.0 + JITTER),
            Window(settings.teams_rate_per_conversation_30s, 30.0 + JITTER),
        ),
        per_tenant=(Window(settings.teams_rate_per_tenant, 1.0 + JITTER),),
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.reminder_max_attempts,
        base_delay=settings.reminder_retry_base_ms / 1000,
    )


def http_status(error: BaseException) -> tuple[int, str | None, str]:
    """(HTTP status, Retry-After header, short description) of a failed send."""
    response = getattr(error, "response", None)
    # requests' Response says status_code, aiohttp's ClientResponse says status.
    status = getattr(response, "status_code", getattr(response, "status", None))
    if isinstance(status, int):
        headers = getattr(response, "headers", None)
        retry_after = headers.get("Retry-After") if headers is not None else None
        return status, retry_after, f"HTTP {status} ({type(error).__name__})"
    from aiohttp import ClientError
    from azure.core.exceptions import DeserializationError
    from msrest.exceptions import ClientRequestError
    from requests import RequestException

    if isinstance(error, DeserializationError):
        return _GARBLED, None, "the connector's answer was not readable"
    if isinstance(
        error, (ClientRequestError, RequestException, ClientError, OSError, TimeoutError)
    ):
        return _NO_ANSWER, None, f"no answer ({type(error).__name__})"
    return _BUG, None, f"{type(error).__name__} while sending"


def _reference(text: str) -> ConversationReference | None:
    """The stored reference without an activity id: a send starts a new message."""
    reference = reference_from_json(text)
    if reference is None or not reference.service_url or reference.conversation is None:
        return None
    reference.activity_id = None
    return reference


def usable(target: ReminderTarget) -> bool:
    """Whether a proactive message can be addressed to this conversation at all."""
    return _reference(target.reference) is not None


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What became of one digest: ``lost`` means another instance took the claim over."""

    verdict: Literal["sent", "failed", "gone", "lost"]
    status: int | None
    attempts: int
    activity_id: str = ""
    error: str = ""


class _ClaimLost(Exception):
    """The lease ran out and another instance took the row: do not send again."""


class DigestSender:
    """One per application (built by the app factory); shares the rate limiter with every
    proactive send of the instance."""

    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        limiter: RateLimiter,
        deliveries: Deliveries,
        *,
        lease: dt.timedelta,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._limiter = limiter
        self._deliveries = deliveries
        self._lease = lease
        self._policy = policy
        self._sleep = sleep
        self._random = random
        self._clock = clock

    async def send(self, target: ReminderTarget, reply: Reply, claim: Claim) -> SendOutcome:
        """Send the card for a claimed ledger row and complete the row; never raises for
        Teams' answers (a database error while completing the row does raise)."""
        current = claim
        last: tuple[int, str] = (0, "")
        activity_id = ""
        attempt = 0

        async def one_attempt() -> SendResult:
            nonlocal current, activity_id, attempt, last
            attempt += 1
            if attempt > 1:
                renewed = await self._deliveries.renew(
                    current, self._lease, last_status=last[0] or None, last_error=last[1]
                )
                if renewed is None:
                    raise _ClaimLost
                current = renewed
            status, retry_after, found_id, error = await self._post(target, reply_activity(reply))
            last = (status, error)  # the next attempt notes it in the ledger
            activity_id = found_id
            log.info(
                "reminder send attempt",
                extra={
                    "delivery_key": claim.key,
                    "conversation_row": target.id,
                    "attempt": current.attempts,
                    "status": status,
                    "retry_after": retry_after or "",
                },
            )
            return status, retry_after

        try:
            decision = await send_with_retries(
                one_attempt,
                policy=self._policy,
                sleep=self._sleep,
                random=self._random,
                now=self._clock,
            )
        except _ClaimLost:
            log.warning(
                "reminder claim lost to another instance",
                extra={"delivery_key": claim.key, "conversation_row": target.id},
            )
            return SendOutcome("lost", None, current.attempts)
        status, error = last
        if decision.verdict is Verdict.SENT:
            if not await self._deliveries.sent(current, activity_id, status):
                log.warning("reminder sent, but its claim was lost", extra={"key": claim.key})
            outcome = SendOutcome("sent", status, current.attempts, activity_id)
        elif decision.verdict is Verdict.GONE:
            await self._deliveries.gone(target.id, status=status, error=error)
            outcome = SendOutcome("gone", status, current.attempts, error=error)
        else:
            await self._deliveries.failed(current, status or None, error or decision.reason)
            outcome = SendOutcome("failed", status or None, current.attempts, error=error)
        log.info(
            "reminder delivery %s",
            outcome.verdict,
            extra={
                "delivery_key": claim.key,
                "conversation_row": target.id,
                "attempts": outcome.attempts,
                "status": status,
                "reason": decision.reason,
            },
        )
        return outcome

    async def update(self, target: ReminderTarget, activity_id: str, reply: Reply) -> bool:
        """Replace a posted card in place (a status changed); rate limited and retried like a
        send, but a 403/404 here only means that message is gone, not the conversation."""
        activity = reply_activity(reply)
        activity.id = activity_id

        async def one_attempt() -> SendResult:
            status, retry_after, _id, _error = await self._post(target, activity, update=True)
            return status, retry_after

        # Someone is waiting for their click to be answered: fewer attempts than a send.
        policy = RetryPolicy(
            max_attempts=min(UPDATE_ATTEMPTS, self._policy.max_attempts),
            base_delay=self._policy.base_delay,
            max_delay=self._policy.max_delay,
        )
        decision = await send_with_retries(
            one_attempt, policy=policy, sleep=self._sleep, random=self._random, now=self._clock
        )
        if decision.verdict is not Verdict.SENT:
            log.warning(
                "updating a reminder card failed",
                extra={"conversation_row": target.id, "reason": decision.reason},
            )
        return decision.verdict is Verdict.SENT

    async def _post(
        self, target: ReminderTarget, activity: Activity, *, update: bool = False
    ) -> tuple[int, str | None, str, str]:
        """One HTTP request, within the rate limits: (status, Retry-After, new activity id,
        error description)."""
        reference = _reference(target.reference)
        if reference is None:
            return _BUG, None, "", "no usable conversation reference"
        outcome: dict[str, object] = {}

        async def callback(turn_context: TurnContext) -> None:
            outgoing = copy.copy(activity)
            TurnContext.apply_conversation_reference(outgoing, reference)
            # As late as possible: what Teams counts is when requests arrive.
            await self._limiter.acquire(target.tenant_id, target.conversation_id)
            try:
                if update:
                    outgoing.id = activity.id
                    await turn_context.adapter.update_activity(turn_context, outgoing)
                else:
                    responses = await turn_context.adapter.send_activities(turn_context, [outgoing])
                    first = responses[0] if responses else None
                    outcome["id"] = str(getattr(first, "id", "") or "")
            except Exception as error:  # handed back: the adapter's handler would swallow it
                outcome["error"] = error

        try:
            await self._adapter.continue_conversation(reference, callback, self._app_id)
        except Exception as raised:  # creating the connector (credentials) failed
            outcome["error"] = raised
        failure = outcome.get("error")
        if isinstance(failure, BaseException):
            status, retry_after, text = http_status(failure)
            if status == _BUG:
                log.warning("sending a reminder raised", exc_info=failure)
            return status, retry_after, "", text
        return _OK, None, str(outcome.get("id", "")), ""
