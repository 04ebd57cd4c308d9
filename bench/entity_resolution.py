"""How long entity resolution takes per question, on the real built-in names.

Builds an ``EntityIndex`` from the CSVs in store/data (mapped to records the way the bot maps
its database rows: tests/support/entity_records.py), then times ``find()`` over realistic
questions typed by programme leaders, Danish and English, with typos and without entities.
Prints the index build time and the median, p99 and mean microseconds per question next to
the target of the entity-resolution task:

    find() on a typical question          median <= 200 µs
    understand() (the whole reading step)  median <= 500 µs

Run:  .venv/bin/python bench/entity_resolution.py [--rounds 200] [--slowest 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dialogs.entities import EntityIndex  # noqa: E402
from dialogs.questions.ranker import ranked  # noqa: E402
from dialogs.questions.understanding import understand  # noqa: E402
from tests.support.entity_records import builtin_records  # noqa: E402

TARGET_US = 200.0
UNDERSTAND_US = 500.0  # understanding a question (period, names, cues) and ranking the types

QUESTIONS = [
    # DOMAIN.md, "What they want from the bot"
    "Hvilke aftaler mangler Vejle at underskrive?",
    "which agreements does Vejle still need to sign?",
    "Hvilke KLIK-opgaver har deadline i denne uge?",
    "hvad skal vi nå før jul?",
    "Hvem mangler at fuldføre K49?",
    "status på ADG_0",
    "Hvornår er næste frozen zone, og hvad kan vi ikke i den periode?",
    "Hvad er jeres opgaver fra sidste programledermøde?",
    "Er du enig i, at løsningen vil skabe værdi for kommunen? Ja / Nej / Måske",
    "Hvor enig/uenig er du i følgende udsagn?",
    # variations
    "hvem mangler at underskrive tilslutningsaftalen om datastandarder?",
    "hvem mangler K49?",
    "hvad går A11 ud på?",
    "hvilke KLIK-opgaver har SAPA?",
    "hvad har deadline i denne uge?",
    "what is due in December 2025?",
    "hvornår er næste frozen zone?",
    "er vi i frozen zone nu?",
    "hvem kan jeg spørge om VALG?",
    "hvornår gik Vejle live på KY?",
    "hvilke kommuner var i bølge B3?",
    "jeg er programleder i Vejle",
    "hvad mangler vi?",
    "which agreements does vejle still need to sign",
    "status on the FLIS data processing agreement",
    "hvilke opgaver har frist de næste 14 dage?",
    "hvad slutter i uge 49?",
    "Hvad skal vi nå inden den 15. december?",
    "hvem mangler KLIK-opgave 03?",
    "status på opgave 04 i ØiR",
    "hvem har ikke fuldført MI 43?",
    "hvornår er K98-aftalen på plads?",
    "Er der noget i vejen med KLIK?",
    "klik på linket i chatten",
    "hvilket valg har vi?",
    "Hvornår skal vi bruge VALG-løsningen?",
    "status on the tender for the new STS platform",
    "Hvilke aftaler mangler Københavns Kommune?",
    "har Kbh underskrevet?",
    "has Copenhagen signed the agreement for Aula?",
    "status for Høje Taastrup",
    "hvad mangler hoeje-taastrup?",
    "Hvad mangler Åbenrå og Århus?",
    "Bornholms Regionskommune mangler vel stadig?",
    "Hvilke opgaver har Vejle Kommune ikke fuldført?",
    "hvad mangler Silkborg?",
    "Hvad mangler Vejlen at underskrive?",
    "Har Hørsolm underskrevet?",
    "hvad med Frederikssværk?",
    "Is Vejen done with ADG_0?",
    "Hvad mangler Ikast-Brande og Ringkøbing-Skjern?",
    "Har Frederiksberg og Frederikssund underskrevet?",
    "Allerød, Hillerød, Nyborg og Viborg mangler",
    "hvilke kommuner i Region Nordjylland mangler?",
    "hvem er kontaktperson for Mit Sygefravær?",
    "Hvornår lukker Serviceplatformen for ændringer?",
    "who can I ask about STS?",
    "hvad er status på Borgerblikket?",
    "hvem er Peter Hansen?",
    "skal jeg skrive til COA om reformen?",
    "Hvem i Odense kommune mangler FBS?",
    "Hvad er status på databehandleraftalen for SAPA bilag A, og hvornår er fristen?",
    "Can you list every municipality in Syddanmark that has not completed U10 yet?",
]


def _microseconds(nanoseconds: Sequence[int]) -> tuple[float, float, float]:
    ordered = sorted(nanoseconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) / 1000, p99 / 1000, statistics.fmean(ordered) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed passes over the questions")
    parser.add_argument("--slowest", type=int, default=5, help="questions to list by median")
    args = parser.parse_args()

    records = builtin_records()
    builds = []
    for _ in range(10):
        started = time.perf_counter_ns()
        index = EntityIndex(records)
        builds.append(time.perf_counter_ns() - started)

    for _ in range(20):  # warm-up: imports, allocator, branch predictors
        for question in QUESTIONS:
            index.find(question)
    timings: list[int] = []
    per_question: dict[str, list[int]] = {question: [] for question in QUESTIONS}
    clock = time.perf_counter_ns
    for _ in range(args.rounds):
        for question in QUESTIONS:
            started = clock()
            index.find(question)
            elapsed = clock() - started
            timings.append(elapsed)
            per_question[question].append(elapsed)

    today = dt.date(2025, 11, 25)
    understood: list[int] = []
    for _ in range(args.rounds):
        for question in QUESTIONS:
            started = clock()
            u = understand(question, index, today)
            ranked(u)
            understood.append(clock() - started)

    kinds: dict[str, int] = {}
    for record in records:
        kinds[record.kind] = kinds.get(record.kind, 0) + 1
    median, p99, mean = _microseconds(timings)
    print(f"records: {len(records)} ({', '.join(f'{n} {k}' for k, n in kinds.items())})")
    print(f"surface forms: {sum(len(record.names) for record in records)}")
    print(f"index build: median {statistics.median(builds) / 1e6:.1f} ms over {len(builds)} builds")
    print(f"questions: {len(QUESTIONS)} x {args.rounds} rounds = {len(timings)} calls of find()")
    print()
    print(f"{'find() per question':<24}{'measured':>12}{'target':>12}{'ratio':>8}")
    print(f"{'median':<24}{median:>9.1f} µs{TARGET_US:>9.0f} µs{median / TARGET_US:>8.2f}")
    print(f"{'p99':<24}{p99:>9.1f} µs")
    print(f"{'mean':<24}{mean:>9.1f} µs")
    u_median, u_p99, _ = _microseconds(understood)
    print(
        f"{'understand() + rank':<24}{u_median:>9.1f} µs{UNDERSTAND_US:>9.0f} µs"
        f"{u_median / UNDERSTAND_US:>8.2f}"
    )
    print(f"{'  p99':<24}{u_p99:>9.1f} µs")
    if args.slowest:
        print()
        print("slowest questions (median µs):")
        slowest = sorted(
            per_question.items(), key=lambda item: statistics.median(item[1]), reverse=True
        )
        for question, spent in slowest[: args.slowest]:
            print(f"  {statistics.median(spent) / 1000:7.1f}  {question}")
    print()
    within = median <= TARGET_US and u_median <= UNDERSTAND_US
    print("OK: within target" if within else "OVER TARGET")


if __name__ == "__main__":
    main()
