"""Reminders in chat: subscriptions, where the bot speaks, and the reminder card's buttons."""
