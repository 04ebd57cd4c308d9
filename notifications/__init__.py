"""Scheduled and proactive messages (reminders before deadlines and frozen zones).

Not built yet: this is issue #4 (APScheduler with a persistent job store, exactly-once delivery
ledger, digests). Nothing in the running bot sends proactive messages today.
"""
