"""Poll cards (pure): the live poll, the form, results and the evaluation trend.

Buttons are Universal Actions (``Action.Execute``, the ``adaptiveCard/action`` invoke) with an
``Action.Submit`` fallback carrying the same data, so clients without Universal Actions still
vote. Results use Teams' ``Chart.HorizontalBar`` with a text-bar fallback for clients that draw
no charts. The card is the same for everybody (it is updated in place for the whole chat), so it
never shows one person's vote; the voter gets that in the invoke response.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.numbers import format_decimal

from dialogs.cards import Element, card, escape, text_block
from dialogs.reply import Language, Reply
from store.polls import PollView, QuestionView

VOTE = "poll_vote"
CLOSE = "poll_close"
CREATE = "poll_create"
POLL_ACTIONS = (VOTE, CLOSE, CREATE)
BAR_WIDTH = 10


def _t(lang: Language, da: str, en: str) -> str:
    return da if lang == "da" else en


def execute(title: str, data: dict[str, Any], *, style: str | None = None) -> Element:
    """An ``Action.Execute`` with an ``Action.Submit`` fallback carrying the same data."""
    submit: Element = {"type": "Action.Submit", "title": title, "data": data}
    action: Element = {
        "type": "Action.Execute",
        "title": title,
        "verb": str(data["kombitbot"]),
        "data": data,
        "fallback": submit,
    }
    if style:
        action["style"] = style
        submit["style"] = style
    return action


def percent(votes: int, total: int) -> int:
    """Whole percent, rounded half up (so 1 of 3 is 33 % and 2 of 3 is 67 %)."""
    return 0 if total <= 0 else int(votes * 100 / total + 0.5)


def text_bar(votes: int, total: int) -> str:
    filled = 0 if total <= 0 else round(votes * BAR_WIDTH / total)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _local(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _local_day(moment: dt.datetime, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def result_lines(question: QuestionView, lang: Language) -> list[str]:
    """ "Ja ██████░░░░ 6 (60 %)" per option; percentages of those who answered."""
    total = question.answered
    return [
        f"{escape(o.label)} {text_bar(o.votes, total)} {o.votes} ({percent(o.votes, total)} %)"
        for o in question.options
    ]


def mean_score(question: QuestionView) -> tuple[float, int] | None:
    """The mean on the scale and how many it counts ("Ved ikke" excluded); None if no votes."""
    scored = [(o.score, o.votes) for o in question.options if o.score is not None]
    n = sum(v for _s, v in scored)
    if n == 0:
        return None
    return sum(s * v for s, v in scored) / n, n


def decimal(value: float, lang: Language) -> str:
    """One decimal as each language writes it: "4,0" in Danish, "4.0" in English (babel)."""
    return format_decimal(value, format="0.0", locale="da_DK" if lang == "da" else "en_GB")


def _mean_text(question: QuestionView, lang: Language) -> str:
    mean = mean_score(question)
    if mean is None:
        return ""
    value, n = mean
    shown = decimal(value, lang)
    return _t(lang, f"Gennemsnit {shown} af 5 (n = {n})", f"Mean {shown} of 5 (n = {n})")


def _counts_line(question: QuestionView) -> str:
    """ "Ja 2 (67 %) · Nej 1 (33 %)": the exact figures next to a chart."""
    total = question.answered
    return " · ".join(
        f"{escape(o.label)} {o.votes} ({percent(o.votes, total)} %)" for o in question.options
    )


def _results(question: QuestionView, poll: PollView, lang: Language) -> list[Element]:
    """One question's results: a chart with a text-bar fallback, and the exact figures."""
    fallback: Element = {
        "type": "Container",
        "items": [
            text_block(
                "\n\n".join(result_lines(question, lang)), fontType="Monospace", size="Small"
            )
        ],
    }
    chart: Element = {
        "type": "Chart.HorizontalBar",
        # Each bar labelled with its count; with an axis Teams scales a handful of votes in
        # fractions ("0, 0.17, 0.33 …" for one vote), which reads as if half people voted.
        "displayMode": "AbsoluteNoAxis",
        "data": [{"x": o.label, "y": o.votes} for o in question.options],
        "fallback": fallback,
    }
    figures = _counts_line(question)
    if poll.kind in ("evaluation", "rating") and (mean := _mean_text(question, lang)):
        figures = f"{mean} · {figures}"
    return [chart, text_block(figures, size="Small", isSubtle=True, spacing="None")]


def _statement_results(question: QuestionView, lang: Language) -> list[Element]:
    """One evaluation statement, compactly: its mean and the distribution as text."""
    mean = _mean_text(question, lang) or _t(lang, "Ingen svar endnu", "No answers yet")
    return [
        text_block(
            f"{mean} · {_counts_line(question)}", size="Small", isSubtle=True, spacing="None"
        )
    ]


def _means_chart(poll: PollView, lang: Language) -> Element | None:
    """An evaluation's overview: the mean per statement on one chart (text fallback)."""
    means = [(q.text, m[0]) for q in poll.questions if (m := mean_score(q)) is not None]
    if not means:
        return None
    short = [(text if len(text) <= 45 else text[:44] + "…", value) for text, value in means]
    fallback = text_block(
        "\n\n".join(f"{escape(text)}: {decimal(value, lang)}" for text, value in short),
        size="Small",
    )
    return {
        "type": "Chart.HorizontalBar",
        "title": _t(
            lang,
            "Gennemsnit pr. udsagn (1 = helt uenig, 5 = helt enig)",
            "Mean per statement (1 = strongly disagree, 5 = strongly agree)",
        ),
        "data": [{"x": text, "y": round(value, 2)} for text, value in short],
        "fallback": fallback,
    }


def visibility_note(poll: PollView, lang: Language, *, closed: bool | None = None) -> str:
    """Who can see what, and whether the results are final. ``closed``: the poll is closed as
    of now (its closing time may have passed before the closer marked it)."""
    """Say plainly who can see what."""
    if poll.anonymous:
        who = _t(
            lang,
            "Anonym: ingen – heller ikke opretteren eller KOMBIT – kan se, hvem der har stemt hvad.",
            "Anonymous: nobody – not the creator, not KOMBIT – can see who voted for what.",
        )
    else:
        who = _t(
            lang,
            "Med navn: opretteren kan se, hvem der har stemt hvad (i eksporten).",
            "Named: the creator can see who voted for what (in the export).",
        )
    if closed or (closed is None and poll.closed_at is not None):
        when = _t(lang, "Resultaterne er endelige.", "The results are final.")
    elif poll.results_hidden:
        when = _t(
            lang,
            "Resultaterne vises, når afstemningen lukker.",
            "Results are shown when the poll closes.",
        )
    else:
        when = _t(lang, "Resultaterne opdateres løbende.", "Results update live.")
    return f"{who} {when}"


def voters_line(poll: PollView, lang: Language) -> str:
    if poll.voters == 1:
        return _t(lang, "1 har stemt", "1 person has voted")
    return _t(lang, f"{poll.voters} har stemt", f"{poll.voters} people have voted")


def poll_card(poll: PollView, now: dt.datetime, tz: dt.tzinfo, lang: Language = "da") -> Reply:
    """The card everybody in the chat sees, at ``poll.version``."""
    closed = poll.is_closed(now)
    label = {
        "evaluation": _t(lang, "Evaluering", "Evaluation"),
        "rating": _t(lang, "Bedømmelse", "Rating"),
    }.get(poll.kind, _t(lang, "Afstemning", "Poll"))
    body: list[Element] = [
        text_block(label.upper(), size="Small", weight="Bolder", color="Accent", spacing="None"),
        text_block(escape(poll.title), size="Large", weight="Bolder", style="heading"),
    ]
    if poll.multiple and not closed:
        body.append(
            text_block(
                _t(lang, "Vælg gerne flere.", "Choose as many as you like."),
                isSubtle=True,
                spacing="None",
            )
        )
    show_results = closed or not poll.results_hidden
    actions: list[Element] = []
    single = len(poll.questions) == 1 and not poll.multiple
    statements = len(poll.questions) > 1
    if statements and show_results and (overview := _means_chart(poll, lang)) is not None:
        body.append(overview)
    for question in poll.questions:
        if statements:
            body.append(text_block(escape(question.text), weight="Bolder", separator=True))
        if not closed and not single:
            choice_set: Element = {
                "type": "Input.ChoiceSet",
                "id": f"q{question.id}",
                "style": "expanded",
                "isMultiSelect": poll.multiple,
                "choices": [{"title": o.label, "value": str(o.id)} for o in question.options],
            }
            if not statements:  # with several, the statement above is the label
                choice_set["label"] = _t(lang, "Dit svar", "Your answer")
            body.append(choice_set)
        if show_results:
            body.extend(
                _statement_results(question, lang) if statements else _results(question, poll, lang)
            )
    if not closed and single:
        question = poll.questions[0]
        actions = [
            execute(o.label[:60], {"kombitbot": VOTE, "poll": poll.id, "q": question.id, "o": o.id})
            for o in question.options
        ]
    elif not closed:
        actions = [
            execute(
                _t(lang, "Send svar", "Send answer"),
                {"kombitbot": VOTE, "poll": poll.id},
                style="positive",
            )
        ]
    status = voters_line(poll, lang)
    if closed:
        when = poll.closed_at or poll.closes_at
        status += " · " + _t(lang, "Afstemningen er lukket", "The poll is closed")
        if when is not None:
            status += f" ({_local_day(when, tz)})"
    elif poll.closes_at is not None:
        status += " · " + _t(
            lang,
            f"lukker kl. {_local(poll.closes_at, tz)}",
            f"closes at {_local(poll.closes_at, tz)}",
        )
    if not show_results:
        status += " · " + _t(
            lang,
            "resultaterne vises, når afstemningen lukker",
            "results are shown when the poll closes",
        )
    body.append(text_block(f"**{escape(status)}**", separator=True))
    body.append(
        text_block(
            escape(visibility_note(poll, lang, closed=closed)),
            size="Small",
            isSubtle=True,
            spacing="None",
        )
    )
    if not closed:
        actions.append(
            execute(_t(lang, "Luk afstemning", "Close poll"), {"kombitbot": CLOSE, "poll": poll.id})
        )
    fallback = poll_text(poll, now, lang)
    return Reply(text=fallback, card=card(body, fallback_text=fallback, actions=actions or None))


def poll_text(poll: PollView, now: dt.datetime, lang: Language = "da") -> str:
    """The poll as plain text (notifications, clients without cards, ``resultater``)."""
    closed = poll.is_closed(now)
    lines = [poll.title]
    show = closed or not poll.results_hidden
    for question in poll.questions:
        if len(poll.questions) > 1:
            lines.append(question.text)
        if show:
            lines += [f"  {line}" for line in result_lines(question, lang)]
            if poll.kind in ("evaluation", "rating") and (mean := mean_score(question)):
                lines.append(
                    _t(
                        lang,
                        f"  Gennemsnit {decimal(mean[0], lang)} (n = {mean[1]})",
                        f"  Mean {decimal(mean[0], lang)} (n = {mean[1]})",
                    )
                )
        else:
            lines += [f"  - {o.label}" for o in question.options]
    status = voters_line(poll, lang)
    if closed:
        status += _t(lang, " – afstemningen er lukket", " – the poll is closed")
    elif poll.results_hidden:
        status += _t(
            lang,
            " – resultaterne vises, når afstemningen lukker",
            " – results are shown when the poll closes",
        )
    lines.append(status)
    return "\n".join(lines)


def results_reply(
    polls: list[PollView], now: dt.datetime, tz: dt.tzinfo, lang: Language, title: str
) -> Reply:
    """``resultater`` / ``resultater fra mødet``: each poll's current results, hidden ones hidden."""
    body: list[Element] = [
        text_block(escape(title), size="Large", weight="Bolder", style="heading")
    ]
    texts = [title]
    for poll in polls:
        shown = poll_card(poll, now, tz, lang).card
        assert shown is not None
        # The same content as the poll card, without its buttons (they live on the poll itself).
        items = [e for e in shown["body"] if e.get("type") != "Input.ChoiceSet"]
        body.append({"type": "Container", "separator": True, "items": items})
        texts.append(poll_text(poll, now, lang))
    text = "\n\n".join(texts)
    return Reply(text=text, card=card(body, fallback_text=text))


def trend_reply(rows: list[tuple[str, dict[str, tuple[float, int]]]], lang: Language) -> Reply:
    """``evaluering: udvikling``: mean per statement for the last meetings, oldest first.

    ``rows``: (meeting label, {statement: (mean, n)}) per evaluation, oldest first.
    """
    title = _t(lang, "Evaluering – udvikling", "Evaluation – trend")
    if not rows:
        text = _t(
            lang,
            "Der er endnu ingen evalueringer at sammenligne.",
            "There are no evaluations to compare yet.",
        )
        return Reply(text=text)
    statements: list[str] = []
    for _label, means in rows:
        for statement in means:
            if statement not in statements:
                statements.append(statement)
    body: list[Element] = [text_block(title, size="Large", weight="Bolder", style="heading")]
    lines = [title]
    for statement in statements:
        body.append(text_block(escape(statement), weight="Bolder", separator=True))
        values = [(label, means[statement]) for label, means in rows if statement in means]
        body.append(
            {
                "type": "Chart.Line",
                "data": [
                    {
                        "legend": statement[:60],
                        "values": [
                            {"x": label, "y": round(mean, 2)} for label, (mean, _n) in values
                        ],
                    }
                ],
                "fallback": text_block(
                    "\n\n".join(
                        f"{escape(label)}: {decimal(mean, lang)} (n = {n})"
                        for label, (mean, n) in values
                    ),
                    size="Small",
                ),
            }
        )
        lines.append(statement)
        lines += [f"  {label}: {decimal(mean, lang)} (n = {n})" for label, (mean, n) in values]
    body.append(
        text_block(
            _t(
                lang,
                "Skala 1 = helt uenig … 5 = helt enig; »Ved ikke« tæller ikke med.",
                "Scale 1 = strongly disagree … 5 = strongly agree; »Don't know« is not counted.",
            ),
            size="Small",
            isSubtle=True,
        )
    )
    text = "\n".join(lines)
    return Reply(text=text, card=card(body, fallback_text=text))


def form_card(lang: Language, options: tuple[str, ...] = ()) -> Reply:
    """``afstemning`` alone: question, options, and how the poll behaves."""
    title = _t(lang, "Ny afstemning", "New poll")
    body: list[Element] = [
        text_block(title, size="Large", weight="Bolder", style="heading"),
        {
            "type": "Input.Text",
            "id": "question",
            "label": _t(lang, "Spørgsmål", "Question"),
            "isRequired": True,
            "errorMessage": _t(lang, "Skriv et spørgsmål", "Write a question"),
            "maxLength": 300,
            "placeholder": _t(lang, "Er du enig i …?", "Do you agree that …?"),
        },
        {
            "type": "Input.Text",
            "id": "options",
            "label": _t(lang, "Svarmuligheder (én pr. linje)", "Options (one per line)"),
            "isMultiline": True,
            "isRequired": True,
            "errorMessage": _t(lang, "Mindst to svarmuligheder", "At least two options"),
            "value": "\n".join(options),
            "placeholder": "Ja\nNej\nMåske",
        },
        {
            "type": "Input.ChoiceSet",
            "id": "mode",
            "label": _t(lang, "Svar", "Answers"),
            "value": "single",
            "choices": [
                {"title": _t(lang, "Ét svar", "One answer"), "value": "single"},
                {"title": _t(lang, "Flere svar", "Several answers"), "value": "multiple"},
            ],
        },
        {
            "type": "Input.ChoiceSet",
            "id": "identity",
            "label": _t(lang, "Hvem kan se hvad", "Who sees what"),
            "value": "anonymous",
            "choices": [
                {"title": _t(lang, "Anonym", "Anonymous"), "value": "anonymous"},
                {
                    "title": _t(
                        lang,
                        "Med navn (opretteren ser hvem der stemte hvad)",
                        "Named (the creator sees who voted what)",
                    ),
                    "value": "named",
                },
            ],
        },
        {
            "type": "Input.ChoiceSet",
            "id": "results",
            "label": _t(lang, "Resultater", "Results"),
            "value": "live",
            "choices": [
                {"title": _t(lang, "Vis løbende", "Show live"), "value": "live"},
                {
                    "title": _t(
                        lang, "Skjul til afstemningen lukker", "Hide until the poll closes"
                    ),
                    "value": "hidden",
                },
            ],
        },
        {
            "type": "Input.Number",
            "id": "minutes",
            "label": _t(
                lang,
                "Luk efter (minutter, tom = luk selv)",
                "Close after (minutes, empty = close by hand)",
            ),
            "min": 1,
            "max": 10080,
        },
    ]
    actions = [
        execute(
            _t(lang, "Start afstemning", "Start poll"),
            {"kombitbot": CREATE, "lang": lang},
            style="positive",
        )
    ]
    return Reply(text=title, card=card(body, fallback_text=title, actions=actions))
