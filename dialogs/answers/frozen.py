"""Frozen zones: the next one, whether one is on now, and what cannot be done in it."""

from __future__ import annotations

from dialogs.answer import Answer
from dialogs.answers.common import Context, when
from dialogs.reply import Reply
from store.snapshot import FrozenZone

FREEZES = ("frozen zone", "cut-over", "servicevindue", "lukket for bestilling af supportydelser")


def _describe(zone: FrozenZone, ctx: Context) -> str:
    where = f"{zone.system} {zone.environment}".strip()
    if zone.start and zone.end and zone.start.raw != zone.end.raw:
        period = f"{when(zone.start, ctx.lang)} – {when(zone.end, ctx.lang)}"
    elif zone.start:
        period = when(zone.start, ctx.lang)
    else:
        period = ctx.t("datoer ikke fastlagt", "dates not set")
    return f"{where}: {zone.kind}, {period}"


def _announced(ctx: Context) -> list[FrozenZone]:
    return [
        z for z in ctx.snapshot.frozen_zones.values() if z.start is None or z.start.earliest is None
    ]


def frozen_next(ctx: Context) -> Reply:
    zones = [
        z
        for z in ctx.snapshot.frozen_zones.values()
        if z.end and z.end.latest and z.end.latest >= ctx.today
    ]
    answer = Answer(title=ctx.t("Næste frozen zone", "Next frozen zone"), lang=ctx.lang)
    if zones:
        zones.sort(key=lambda z: z.start.earliest if z.start and z.start.earliest else ctx.today)
        answer.section("", [_describe(z, ctx) for z in zones])
        for zone in zones:
            answer.cite(zone.source, ctx.snapshot.deck_labels)
    else:
        answer.intro = ctx.t(
            "Der er ingen kommende frozen zone med kendte datoer i mine data.",
            "There is no upcoming frozen zone with known dates in my data.",
        )
    announced = _announced(ctx)
    if announced:
        answer.section(
            ctx.t("Varslet, uden datoer endnu", "Announced, no dates yet"),
            [f"{z.system}: {z.kind}" for z in announced],
        )
        for zone in announced:
            answer.cite(zone.source, ctx.snapshot.deck_labels)
    past = [
        z
        for z in ctx.snapshot.frozen_zones.values()
        if z.kind == "frozen zone" and z.end and z.end.latest and z.end.latest < ctx.today
    ]
    if past and not zones:
        last = max(past, key=lambda z: z.end.latest if z.end and z.end.latest else ctx.today)
        answer.notes.append(
            ctx.t(f"Seneste: {_describe(last, ctx)}.", f"Most recent: {_describe(last, ctx)}.")
        )
    answer.buttons.append(
        (
            ctx.t("Hvad kan vi ikke?", "What can't we do?"),
            ctx.t("hvad kan vi ikke i frozen zone?", "what can't we do in a frozen zone?"),
        )
    )
    return answer.reply()


def frozen_now(ctx: Context) -> Reply:
    current = [
        z
        for z in ctx.snapshot.frozen_zones.values()
        if z.kind in FREEZES
        and z.start
        and z.end
        and z.start.earliest
        and z.end.latest
        and z.start.earliest <= ctx.today <= z.end.latest
    ]
    answer = Answer(
        title=ctx.t("Er vi i frozen zone nu?", "Are we in a frozen zone now?"), lang=ctx.lang
    )
    # Inside for certain: today is after the latest day it may start and before the earliest
    # day it may end (always so for exact dates; a window known only by month may not be).
    certain = [
        z
        for z in current
        if z.start
        and z.end
        and z.start.latest
        and z.end.earliest
        and z.start.latest <= ctx.today <= z.end.earliest
    ]
    if certain:
        zone = min(certain, key=lambda z: z.end.earliest if z.end and z.end.earliest else ctx.today)
        assert zone.end is not None
        answer.intro = ctx.t(
            f"Ja – {zone.system} er i {zone.kind} nu, til og med {when(zone.end, 'da')}.",
            f"Yes – {zone.system} is in a {zone.kind} now, until {when(zone.end, 'en')}.",
        )
        answer.section("", [_describe(z, ctx) for z in current])
    elif current:
        answer.intro = ctx.t(
            "Muligvis – en frozen zone kan være i gang:", "Possibly – a frozen zone may be on:"
        )
        answer.section("", [_describe(z, ctx) for z in current])
        if any(not (z.start and z.start.is_exact) for z in current):
            answer.notes.append(
                ctx.t(
                    "De præcise dage kendes ikke; kun perioden.",
                    "The exact days are not known; only the period.",
                )
            )
    else:
        answer.intro = ctx.t(
            f"Nej – ingen kendt frozen zone omfatter i dag ({ctx.today:%d.%m.%Y}).",
            f"No – no known frozen zone covers today ({ctx.today:%d %b %Y}).",
        )
    return answer.reply()


def frozen_blocked(ctx: Context) -> Reply:
    zones = [z for z in ctx.snapshot.frozen_zones.values() if z.blocked_actions]
    answer = Answer(
        title=ctx.t(
            "Det kan kommunen IKKE i en frozen zone",
            "What a municipality can NOT do in a frozen zone",
        ),
        lang=ctx.lang,
        limit=None,
    )
    if not zones:
        answer.intro = ctx.t(
            "Jeg har ingen liste over begrænsninger.", "I have no list of restrictions."
        )
        return answer.reply()
    zone = max(zones, key=lambda z: z.end.latest if z.end and z.end.latest else ctx.today)
    answer.intro = ctx.t(
        f"Den nyeste liste i mine data er fra {_describe(zone, ctx)}. Tjek varslingen af næste frozen zone for ændringer.",
        f"The newest list in my data is from {_describe(zone, ctx)}. Check the notice of the next frozen zone for changes.",
    )
    answer.section("", list(zone.blocked_actions))
    if zone.closed_access:
        answer.notes.append(zone.closed_access.replace("; ", ". ") + ".")
    answer.notes.append(
        ctx.t(
            "Træk rapporter før frozen zone starter.", "Pull reports before the frozen zone starts."
        )
    )
    answer.cite(zone.source, ctx.snapshot.deck_labels)
    return answer.reply()
