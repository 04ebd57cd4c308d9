"""The question-and-answer feature: understanding, the declared question types, ranking."""
