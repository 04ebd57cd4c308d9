"""Shared core of kombitbot: settings, fuzzy dates, working days, CLI."""
