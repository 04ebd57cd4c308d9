"""Live polls: parsing poll commands, the poll cards, exports, and the poll dialogs."""
