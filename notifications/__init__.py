"""Proactive messages: reminders before deadlines and frozen zones (issue #4).

The pure core of the reminders is here: ``rules`` (what is due on a day, and for whom),
``digest`` (one Adaptive Card per conversation per day), ``ics`` (the Outlook calendar feed
and its ``GET /calendar.ics`` handler) and ``throttle`` (Teams rate limits and the retry
policy). The delivery: ``fanout`` (what goes where, once, through the ledger in
``store/deliveries.py``), ``sender`` (one card, within the limits, retried) and ``scheduler``
(the daily job, one runner per database).
"""
