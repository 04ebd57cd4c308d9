"""Reading a channel message: is it for the bot, and what did the user write after the @?"""

from __future__ import annotations

from bot.mentions import mentions_bot, strip_bot_mention

BOT = "28:bot"
BOT_MENTION = {
    "type": "mention",
    "text": "<at>kombitbot</at>",
    "mentioned": {"id": BOT, "name": "kombitbot"},
}
PERSON_MENTION = {
    "type": "mention",
    "text": "<at>Mette</at>",
    "mentioned": {"id": "29:mette", "name": "Mette"},
}


def test_a_message_mentioning_the_bot_is_for_the_bot() -> None:
    assert mentions_bot([BOT_MENTION], BOT)
    assert not mentions_bot([PERSON_MENTION], BOT)
    assert not mentions_bot(None, BOT)


def test_the_bot_mention_is_removed_and_other_mentions_read_as_names() -> None:
    text = "<at>kombitbot</at> hvad mangler <at>Mette</at>?"
    assert strip_bot_mention(text, [BOT_MENTION, PERSON_MENTION], BOT) == "hvad mangler Mette?"


def test_html_entities_and_odd_spacing_are_normalised() -> None:
    assert strip_bot_mention("<at>kombitbot</at>&nbsp; hjælp  ", [BOT_MENTION], BOT) == "hjælp"


def test_a_bot_name_with_regex_characters_is_removed_literally() -> None:
    mention = {
        "type": "mention",
        "text": "<at>kombit (bot)+</at>",
        "mentioned": {"id": BOT, "name": "kombit (bot)+"},
    }
    assert strip_bot_mention("<at>kombit (bot)+</at> help", [mention], BOT) == "help"
