"""Turning what the dialogs produce into Bot Framework activities, and conversation references
into stored text and back: one place for every message the bot sends or updates; and what an
incoming activity says about where it came from."""

from __future__ import annotations

import json

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, ConversationReference

from dialogs.reply import Reply
from dialogs.router import User
from store.polls import Voter


def reply_activity(reply: Reply) -> Activity:
    """A card with its text fallback (``summary`` and the card's ``fallbackText``), or text."""
    if reply.card is None:
        return MessageFactory.text(reply.text)
    activity = MessageFactory.attachment(CardFactory.adaptive_card(reply.card))
    activity.summary = reply.text
    return activity


def reference_from_json(text: str) -> ConversationReference | None:
    try:
        data = json.loads(text)
        return ConversationReference().deserialize(data) if isinstance(data, dict) else None
    except (ValueError, TypeError, AttributeError):
        return None


def reference_to_json(reference: ConversationReference) -> str:
    return json.dumps(reference.serialize())


def tenant_of(activity: Activity) -> str:
    """The Entra tenant an activity comes from (Teams puts it in channelData and conversation)."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        return str(tenant["id"])
    conversation = activity.conversation
    return str(getattr(conversation, "tenant_id", None) or "")


def user_of(activity: Activity) -> User:
    """Who sent an activity, and in which conversation; an id Teams did not give as text is
    empty (a forged or fuzzed payload may hold anything there)."""
    sender = activity.from_property
    return User(
        aad_object_id=_text(getattr(sender, "aad_object_id", None)),
        teams_user_id=_text(getattr(sender, "id", None)),
        name=_text(getattr(sender, "name", None)),
        conversation_id=_text(getattr(activity.conversation, "id", None)),
    )


def voter_of(activity: Activity) -> Voter:
    """The sender as a poll voter: the AAD object id is what one vote per person counts by."""
    user = user_of(activity)
    return Voter(user.aad_object_id, user.name)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
