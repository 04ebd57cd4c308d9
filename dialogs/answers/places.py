"""Municipalities and regions, and the solutions by their names: what the base tables say."""

from __future__ import annotations

from dialogs.answer import Answer
from dialogs.answers.common import Context
from dialogs.reply import Reply


def municipality_region(ctx: Context, municipality: str) -> Reply:
    """ "Hvilken region ligger Vejle i?": the region, and the official name."""
    found = ctx.snapshot.municipalities[municipality]
    region = found.region_official or f"Region {found.region}"
    answer = Answer(title=f"{found.name} – {region}", lang=ctx.lang)
    answer.intro = ctx.t(
        f"{found.official_name or found.name} ligger i {region}.",
        f"{found.official_name or found.name} is in {region}.",
    )
    others = ctx.snapshot.regions.get(found.region, ())
    answer.notes.append(
        ctx.t(f"{len(others)} kommuner i {region}.", f"{len(others)} municipalities in {region}.")
    )
    answer.buttons.append(
        (
            ctx.t(f"Kommuner i {region}", f"Municipalities in {region}"),
            ctx.t(f"hvilke kommuner ligger i {region}", f"which municipalities are in {region}"),
        )
    )
    return answer.reply()


def region_members(ctx: Context, region: str) -> Reply:
    """ "Hvilke kommuner ligger i Region Nordjylland?"."""
    names = ctx.snapshot.regions.get(region, ())
    answer = Answer(
        title=ctx.t(f"Region {region}", f"Region {region}"),
        lang=ctx.lang,
        limit=None if ctx.show_all else 30,
    )
    answer.section(
        ctx.t(f"Kommuner ({len(names)})", f"Municipalities ({len(names)})"),
        list(names),
        inline=True,
    )
    return answer.reply()


def solution_info(ctx: Context, solution: str) -> Reply:
    """ "Hvad er KY?", "hvad står SAPA for?": the name, and what the data holds about it."""
    found = ctx.snapshot.solutions[solution]
    answer = Answer(title=found.code, lang=ctx.lang)
    if found.full_name:
        answer.intro = ctx.t(
            f"{found.code} står for {found.full_name}.",
            f"{found.code} stands for {found.full_name}.",
        )
    else:
        answer.intro = ctx.t(
            f"Mine data giver ikke det fulde navn på {found.code}.",
            f"My data does not give the full name of {found.code}.",
        )
    if found.aliases:
        answer.notes.append(ctx.t("Også skrevet: ", "Also written: ") + ", ".join(found.aliases))
    tasks = sum(1 for t in ctx.snapshot.tasks.values() if t.solution == solution)
    agreements = sum(1 for a in ctx.snapshot.agreements.values() if a.solution == solution)
    answer.section(
        ctx.t("I mine data", "In my data"),
        [
            ctx.t(
                f"{tasks} KLIK-opgave" + ("" if tasks == 1 else "r"),
                f"{tasks} KLIK task" + ("" if tasks == 1 else "s"),
            ),
            ctx.t(
                f"{agreements} aftale" + ("" if agreements == 1 else "r"),
                f"{agreements} agreement" + ("" if agreements == 1 else "s"),
            ),
        ],
    )
    if tasks:
        answer.buttons.append(
            (
                ctx.t("KLIK-opgaver", "KLIK tasks"),
                ctx.t(
                    f"hvilke KLIK-opgaver har {found.code}",
                    f"which KLIK tasks does {found.code} have",
                ),
            )
        )
    if agreements:
        answer.buttons.append(
            (
                ctx.t("Aftaler", "Agreements"),
                ctx.t(
                    f"hvilke aftaler er der for {found.code}",
                    f"which agreements are there for {found.code}",
                ),
            )
        )
    return answer.reply()
