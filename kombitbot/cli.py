"""``kombitbot`` command line: import data files, migrate the database, send the day's
reminders, run the service."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kombitbot.settings import Settings
from store.db import create_engine
from store.importing import ImportFile, ImportRejected
from store.repository import Store


async def _import(settings: Settings, paths: list[Path]) -> int:
    missing = [p for p in paths if not p.is_file()]
    if missing:
        for path in missing:
            print(f"{path}: no such file", file=sys.stderr)
        return 2
    store = Store(create_engine(settings.database_url))
    try:
        await store.migrate()
        files = [ImportFile.from_path(p) for p in paths]
        try:
            result = await store.import_files(files, kind="file", imported_by="cli")
        except ImportRejected as rejected:
            for error in rejected.errors:
                print(error, file=sys.stderr)
            print(
                f"{len(rejected.errors)} problem(s) found; nothing was imported.", file=sys.stderr
            )
            return 1
    finally:
        await store.close()
    for origin, table in result.tables.items():
        print(f"{origin}: {table}")
    if result.changed:
        print(
            f"Imported: {result.inserted} new, {result.updated} updated "
            f"({result.records} rows checked)."
        )
    else:
        print(
            f"Nothing changed ({result.records} rows checked; the database already had this data)."
        )
    return 0


def _package(settings: Settings, out: Path, domain: str, teams_app_id: str) -> int:
    from kombitbot.package import PackageError, PackageSettings, write_package

    if not settings.app_id:
        print(
            "Set MicrosoftAppId (the bot's Entra app id) to build the app package.", file=sys.stderr
        )
        return 2
    try:
        path = write_package(PackageSettings(settings.app_id, domain, teams_app_id), out)
    except PackageError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"Wrote {path} (validated against the Teams manifest schema v1.22).")
    return 0


async def _migrate(settings: Settings) -> int:
    store = Store(create_engine(settings.database_url))
    try:
        await store.migrate()
    finally:
        await store.close()
    print("Database is at the newest migration.")
    return 0


async def _remind(settings: Settings, day: dt.date | None, dry_run: bool) -> int:
    """One fan-out (idempotent through the ledger), or with ``dry_run`` what it would send."""
    from app import reminder_runtime
    from bot.adapter import create_adapter
    from dialogs.reminder_admin import preview_text, summary_text

    store = Store(create_engine(settings.database_url))
    try:
        await store.migrate()
        adapter = create_adapter(settings)
        runtime = reminder_runtime(settings, store, adapter, settings.clock())
        try:
            day = day or runtime.fanout.today()
            if dry_run:
                print(preview_text(await runtime.fanout.preview(day), "da"))
                return 0
            summary = await runtime.fanout.run(day)
        finally:
            await runtime.close()
            await adapter.close()
    finally:
        await store.close()
    print(summary_text(summary, "da"))
    return 1 if summary.failed else 0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-12-12") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kombitbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser(
        "import",
        help="import CSV/XLSX files (all rows are checked first; if any is bad nothing is written)",
    )
    importer.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    commands.add_parser("migrate", help="bring the database schema to the newest migration")
    commands.add_parser("serve", help="run the bot service (same as python app.py)")
    remind = commands.add_parser(
        "remind",
        help="send a day's reminders now (sends nothing twice: safe to repeat or run anywhere)",
    )
    remind.add_argument("--day", type=_day, default=None, help="YYYY-MM-DD (default: today)")
    remind.add_argument(
        "--dry-run", action="store_true", help="only show what would be sent, and where"
    )
    packager = commands.add_parser(
        "package",
        help="write the Teams app zip (ids from MicrosoftAppId, domain from KOMBITBOT_DOMAIN)",
    )
    packager.add_argument("--out", type=Path, default=Path("build/kombitbot-teams-app.zip"))
    packager.add_argument("--domain", default=os.environ.get("KOMBITBOT_DOMAIN", ""))
    packager.add_argument("--teams-app-id", default=os.environ.get("KOMBITBOT_TEAMS_APP_ID", ""))
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "import":
        return asyncio.run(_import(settings, args.paths))
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "package":
        return _package(settings, args.out, args.domain, args.teams_app_id)
    if args.command == "remind":
        import logging

        from kombitbot.logs import configure_logging

        if not logging.getLogger().handlers:  # the delivery log, unless a host set one up
            configure_logging(settings.log_level, json_lines=settings.log_format != "text")
        return asyncio.run(_remind(settings, args.day, args.dry_run))
    from app import main as serve

    serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
