"""``GET /calendar.ics`` served by the real application (the feed itself: test_ics.py)."""

from __future__ import annotations

from icalendar import Calendar

from tests.conftest import BotClient


async def test_the_calendar_feed_is_served_by_the_app(bot: BotClient) -> None:
    response = await bot.http.get("/calendar.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    calendar = Calendar.from_ical(await response.read())
    uids = {str(event["UID"]) for event in calendar.events}
    assert "agreement-A002-01@kombitbot" in uids
    assert any(uid.startswith("frozen-zone-") for uid in uids)


async def test_the_feed_for_one_municipality_and_a_near_name_refused(bot: BotClient) -> None:
    vejle = await bot.http.get("/calendar.ics", params={"kommune": "Vejle"})
    assert vejle.status == 200
    assert str(Calendar.from_ical(await vejle.read())["X-WR-CALNAME"]) == "KOMBIT-frister – Vejle"
    near = await bot.http.get("/calendar.ics", params={"kommune": "Vejlen"})
    assert near.status == 404
    assert "Ukendt kommune: »Vejlen«" in await near.text()
