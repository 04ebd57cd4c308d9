"""What the bot says: understand a message, decide, build the reply (card + text fallback)."""
