"""Answers to each kind of question: pure functions from the snapshot to a reply."""
