"""One way to lay out every answer: a heading, grouped items, notes, and where it comes from.

Answers are built as plain structure first and rendered twice, as an Adaptive Card and as its
text fallback, so the two never say different things. Foreign text (from data or users) is
escaped when rendered, not by the callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dialogs.cards import Element, ask_action, bullet_list, card, escape, heading, text_block
from dialogs.reply import Language, Reply
from dialogs.sources import group_sources, source_parts

DEFAULT_LIMIT = 12


@dataclass(slots=True)
class Section:
    title: str
    items: list[str] = field(default_factory=list)
    note: str = ""
    inline: bool = False  # short items (names) as one comma-separated paragraph


@dataclass(slots=True)
class Answer:
    """Collects what to say; :meth:`reply` renders it."""

    title: str
    lang: Language
    intro: str = ""
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # caveats: status date, precision, age
    sources: list[tuple[str, str]] = field(default_factory=list)  # (deck label, slide)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, question to ask)
    limit: int | None = DEFAULT_LIMIT  # items shown per section; None = all
    show_all_question: str = ""  # asked by "Vis alle" when a section was cut
    states_age: bool = False  # a note already says how old the data is

    def section(
        self, title: str, items: list[str] | None = None, note: str = "", *, inline: bool = False
    ) -> Section:
        section = Section(title, list(items or []), note, inline)
        self.sections.append(section)
        return section

    def cite(self, source: str, labels: Mapping[str, str]) -> None:
        """Remember where a fact came from; rendered once per deck, slides listed."""
        for part in source_parts(source, labels):
            if part not in self.sources:
                self.sources.append(part)

    def _shown(self, section: Section) -> tuple[list[str], int]:
        if self.limit is None or len(section.items) <= self.limit:
            return section.items, 0
        return section.items[: self.limit], len(section.items) - self.limit

    def reply(self) -> Reply:
        body: list[Element] = [heading(escape(self.title))]
        lines = [self.title]
        if self.intro:
            body.append(text_block(escape(self.intro)))
            lines.append(self.intro)
        truncated = False
        for section in self.sections:
            shown, hidden = self._shown(section)
            truncated = truncated or hidden > 0
            if section.title:
                body.append(text_block(escape(section.title), weight="Bolder", spacing="Medium"))
                lines.append("")
                lines.append(section.title)
            if shown and section.inline:
                body.append(text_block(escape(", ".join(shown))))
                lines.append(", ".join(shown))
            elif shown:
                body.append(bullet_list([escape(item) for item in shown]))
                lines.extend(f"- {item}" for item in shown)
            if hidden:
                more = f"… og {hidden} til" if self.lang == "da" else f"… and {hidden} more"
                body.append(text_block(more, isSubtle=True))
                lines.append(more)
            if section.note:
                body.append(text_block(escape(section.note), isSubtle=True, size="Small"))
                lines.append(section.note)
        for note in self.notes:
            body.append(text_block(escape(note), isSubtle=True, spacing="Medium"))
            lines.append(note)
        if self.sources:
            label = "Kilde" if self.lang == "da" else "Source"
            source_text = f"{label}: {group_sources(self.sources)}"
            body.append(text_block(escape(source_text), isSubtle=True, size="Small"))
            lines.append(source_text)
        actions = [ask_action(title, question) for title, question in self.buttons]
        if truncated and self.show_all_question:
            actions.append(
                ask_action("Vis alle" if self.lang == "da" else "Show all", self.show_all_question)
            )
        fallback = "\n".join(lines).strip()
        return Reply(
            text=fallback, card=card(body, fallback_text=fallback, actions=actions or None)
        )
