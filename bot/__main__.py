"""The ``nextinterview`` command line: run | demo | check | invite-url | backup.

The entry point owns the long-lived resources (settings, database, clock), builds the bot with
them and tears everything down on every path.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from bot import app
from bot.checks import run_checks
from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings, load_settings
from bot.db import DatabaseError, MigrationError
from bot.db.core import backup_file, describe_problem
from bot.logs import setup_logging
from bot.services.exercises.loader import ExerciseError

log = logging.getLogger("nextinterview")

EXIT_CONFIG = 2

# What the features need in a group channel: see it, post, show embeds, attach charts/CSVs.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        code = args.handler(args)
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        code = EXIT_CONFIG
    except (MigrationError, DatabaseError) as exc:
        print(f"Database problem: {exc}", file=sys.stderr)
        code = EXIT_CONFIG
    except ExerciseError as exc:
        print(f"Exercise file problem: {exc}", file=sys.stderr)
        code = EXIT_CONFIG
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nextinterview",
        description="Next Interview: a Discord bot for peer job-search groups.",
    )
    parser.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="connect to Discord and serve")
    run.set_defaults(handler=_cmd_run)

    demo = sub.add_parser("demo", help="play a scripted session on the local emulator")
    demo.add_argument("--out", type=Path, default=None, help="folder for the transcript")
    demo.set_defaults(handler=_cmd_demo)

    sandbox = sub.add_parser("sandbox", help="use the bot from this terminal, on the emulator")
    sandbox.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file that keeps the sandbox's state (default: sandbox.db in your "
        "user data folder, e.g. ~/.local/share/nextinterview)",
    )
    sandbox.add_argument(
        "--exercises",
        type=Path,
        default=None,
        help="a folder of exercise .toml files to try (default: built-in)",
    )
    sandbox.add_argument(
        "--start",
        default=None,
        help="the sandbox clock's start, e.g. 2026-11-16T08:00Z (default: now)",
    )
    sandbox.set_defaults(handler=_cmd_sandbox)

    check = sub.add_parser("check", help="validate configuration, exercises and migrations")
    check.add_argument("--no-token", action="store_true", help="skip the token checks (e.g. in CI)")
    check.set_defaults(handler=_cmd_check)

    invite = sub.add_parser("invite-url", help="print the URL that adds the bot to a server")
    invite.set_defaults(handler=_cmd_invite_url)

    move = sub.add_parser(
        "migrate-data", help="copy the SQLite database into an empty PostgreSQL database"
    )
    move.add_argument("--to", required=True, help="the target, postgresql://user@host/dbname")
    move.set_defaults(handler=_cmd_migrate_data)

    backup = sub.add_parser("backup", help="copy the live database safely to PATH")
    backup.add_argument("path", type=Path, help="where to write the copy")
    backup.set_defaults(handler=_cmd_backup)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.env_file)


def _cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    token = settings.token()
    settings.check_database_path()
    setup_logging(settings.log_level, secrets=[token], log_format=settings.log_format)
    return asyncio.run(_serve(settings, token))


async def _serve(settings: Settings, token: str, clock: Clock | None = None) -> int:
    """Run until SIGINT/SIGTERM or a fatal error; ``clock`` is the real one unless a
    rehearsal (crash tests, load runs) starts the bot at another moment of the week."""
    running = await app.start(settings, clock or SystemClock(), token)
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_requested.set)
    waiter = asyncio.create_task(stop_requested.wait())
    try:
        await asyncio.wait({running.task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if running.task.done() and not running.task.cancelled():
            error = running.task.exception()
            if isinstance(error, discord.LoginFailure):
                raise ConfigError(
                    "Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal "
                    "(Bot > Reset Token) and put the new one in .env."
                )
            if isinstance(error, discord.PrivilegedIntentsRequired):
                raise ConfigError("Discord refused the gateway intents: see the README.")
            if isinstance(error, MigrationError | DatabaseError | ConfigError | ExerciseError):
                raise error
            problem = (
                describe_problem(error, settings.database_path)
                if isinstance(error, sqlite3.Error)
                else None
            )
            if problem is not None:
                # A start-up write after the migrations met a full disk or a lock taken since.
                raise DatabaseError(problem) from error
            if error is not None:
                log.error("The bot stopped", exc_info=error)
                return 1
        log.info("Shutting down")
        return 0
    finally:
        waiter.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await app.stop(running)


def _cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    setup_logging("WARNING")
    return asyncio.run(run_demo(out=args.out))


def _cmd_sandbox(args: argparse.Namespace) -> int:
    from datetime import datetime

    from bot.sandbox import run_sandbox, sandbox_database

    start = None
    if args.start:
        try:
            start = datetime.fromisoformat(args.start.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError("--start is an ISO time such as 2026-11-16T08:00Z") from None
        if start.tzinfo is None:
            raise ConfigError("--start needs a time zone, e.g. 2026-11-16T08:00Z")
    setup_logging("WARNING")
    database = args.db or sandbox_database()
    return asyncio.run(run_sandbox(database, start=start, exercises=args.exercises))


def _cmd_check(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"FAIL  {exc}")
        return 1
    findings = run_checks(settings, need_token=not args.no_token)
    for finding in findings:
        print(("ok    " if finding.ok else "FAIL  ") + finding.text)
    failed = sum(not f.ok for f in findings)
    print(f"\n{len(findings) - failed} ok, {failed} to fix")
    return 1 if failed else 0


def _cmd_invite_url(args: argparse.Namespace) -> int:
    settings = _settings(args)
    url = discord.utils.oauth_url(
        settings.application_id(),
        permissions=BOT_PERMISSIONS,
        scopes=("bot", "applications.commands"),
    )
    print(url)
    return 0


def _cmd_migrate_data(args: argparse.Namespace) -> int:
    from bot.db.transfer import migrate_data

    settings = _settings(args)
    if not str(args.to).startswith(("postgresql://", "postgres://")):
        raise ConfigError("--to is a PostgreSQL URL, e.g. postgresql://user@host/nextinterview")
    copied = asyncio.run(migrate_data(settings.database_path, args.to))
    for item in copied:
        print(f"ok    {item.table}: {item.rows:,} rows")
    print(
        f"\nCopied {sum(c.rows for c in copied):,} rows from {settings.database_path}, every "
        "table checked. Set DATABASE_URL to the target and restart the bot."
    )
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    asyncio.run(backup_file(settings.database_path, args.path))
    print(f"Backed up {settings.database_path} to {args.path}")
    return 0


if __name__ == "__main__":
    main()
