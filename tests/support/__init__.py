"""Test helpers shared by the suite (the mock Bot Connector, databases, fixtures)."""
