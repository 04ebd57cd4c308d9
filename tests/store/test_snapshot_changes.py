"""Which tasks, agreements and frozen zones an import changed (their reminder cards are then
updated): everything that differs, and nothing that does not."""

from __future__ import annotations

from store.snapshot import changed_items
from tests.notifications.builders import agreement, snapshot, task, zone


def test_the_same_data_changes_nothing() -> None:
    data = snapshot([task("T1", "15.12.2025", {"Vejle": "Ikke påbegyndt"})])
    assert (
        changed_items(data, snapshot([task("T1", "15.12.2025", {"Vejle": "Ikke påbegyndt"})])) == []
    )


def test_a_status_a_deadline_an_added_and_a_removed_item_are_each_named_once() -> None:
    before = snapshot(
        [task("T1", "15.12.2025", {"Vejle": "Ikke påbegyndt"}), task("T2", "1.12.2025")],
        [agreement("A1", "15.12.2025", {"Vejle": "mangler underskrift"})],
        [zone("Z1", "1.12.2025", "5.12.2025")],
    )
    after = snapshot(
        [task("T1", "15.12.2025", {"Vejle": "Fuldført"}), task("T3", "2.12.2025")],
        [agreement("A1", "19.12.2025", {"Vejle": "mangler underskrift"})],
        [zone("Z1", "1.12.2025", "5.12.2025")],
    )
    assert changed_items(before, after) == [
        ("task", "T1"),  # Vejle completed it
        ("task", "T2"),  # gone
        ("task", "T3"),  # new
        ("agreement", "A1"),  # the deadline moved
    ]
