"""Who sent an activity: one reading of the sender for questions, reminders and polls."""

from __future__ import annotations

import json

from botbuilder.schema import Activity

from bot.activities import tenant_of, user_of, voter_of
from dialogs.router import User
from store.polls import Voter
from tests.conftest import FIXTURES


def fixture(name: str) -> Activity:
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return Activity().deserialize(data)


def test_the_sender_of_a_real_teams_message() -> None:
    activity = fixture("personal-message")
    sender = activity.from_property
    user = user_of(activity)
    assert user == User(
        aad_object_id=sender.aad_object_id,
        teams_user_id=sender.id,
        name=sender.name,
        conversation_id=activity.conversation.id,
    )
    assert user.aad_object_id and user.conversation_id
    assert voter_of(activity) == Voter(sender.aad_object_id, sender.name)
    assert tenant_of(activity) == activity.channel_data["tenant"]["id"]  # where Teams puts it


def test_a_sender_teams_did_not_name_is_nobody_rather_than_a_guess() -> None:
    activity = fixture("personal-message")
    activity.from_property = None
    activity.conversation.id = 42  # not text: a forged payload
    assert user_of(activity) == User()
    assert voter_of(activity) == Voter("")
