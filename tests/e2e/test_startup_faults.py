"""A database the bot cannot use stops run, check and backup with one line naming the fix.

Every case goes through the real command line in a subprocess. ``run`` is pointed at a local
port that counts and hangs up on connections, so the tests also show the database is opened
(and refused) before anything talks to Discord; faults that only show once the migrations run
are played against the emulator. Read-only cases use file modes, or for root (who may write
anyway) a read-only bind mount in a private mount namespace: a read-only filesystem. A full disk
is a file size limit on the child process.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from bot.checks import run_checks
from bot.config import load_settings
from bot.db import Database, MigrationError, load_migrations
from bot.db.core import describe_problem
from bot.local import make_token
from discord_emulator import Emulator

pytestmark = pytest.mark.sqlite_only  # damaged, locked and read-only SQLite files

TOKEN = make_token()
AS_ROOT = os.geteuid() == 0
# Run the rest with $1 (a file or folder) on a read-only bind mount only this process tree sees,
# and $2 (if not empty) bound writable over $3 inside it.
READ_ONLY_MOUNT = (
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && '
    '{ [ -z "$2" ] || mount --bind "$2" "$3"; } && shift 3 && exec "$@"'
)


class ReadOnly(NamedTuple):
    """What the command must find read-only, and a file in it that must stay writable."""

    target: Path
    writable: tuple[Path, Path] | None = None  # (a writable copy, the path it shows at)


def _command() -> list[str]:
    """The installed ``nextinterview`` script beside this interpreter, else ``python -m bot``."""
    script = Path(sys.executable).with_name("nextinterview")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """The test's folder, made writable again afterwards so pytest can clean it up."""
    yield tmp_path
    for sub in [tmp_path, *tmp_path.rglob("*")]:
        if sub.is_dir():
            sub.chmod(0o755)


def read_only_for_root(spec: ReadOnly) -> list[str]:
    """The command prefix that applies ``spec`` with mounts, or skip where that is not allowed."""
    source, shown = spec.writable or ("", "")
    prefix = [
        *("unshare", "--mount", "--propagation", "private", "sh", "-c", READ_ONLY_MOUNT, "sh"),
        *(str(spec.target), str(source), str(shown)),
    ]
    probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
    if probe.returncode != 0:
        pytest.skip(f"root cannot mount here, so nothing is read-only to root: {probe.stderr!r}")
    return prefix


class FakeDiscord:
    """A local port that hangs up on whoever connects and counts them: Discord, unreachable."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port: int = self.listener.getsockname()[1]
        self.contacts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.contacts += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.listener.close()


@pytest.fixture
def discord() -> Iterator[FakeDiscord]:
    fake = FakeDiscord()
    try:
        yield fake
    finally:
        fake.close()


def env_file(folder: Path, database: Path, discord: FakeDiscord | Emulator, **extra: str) -> Path:
    settings = {
        "DISCORD_TOKEN": discord.token if isinstance(discord, Emulator) else TOKEN,
        "DATABASE_PATH": str(database),
        "DISCORD_API_BASE": discord.api_base,
        "DISCORD_GATEWAY_URL": discord.gateway_url,
        **extra,
    }
    path = folder / "test.env"
    path.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    return path


def cli_args(
    env: Path,
    *args: str,
    read_only: ReadOnly | None = None,
    file_size_limit: int | None = None,
) -> tuple[list[str], Callable[[], None] | None]:
    """The command line for ``nextinterview --env-file env ARGS``, and what to do before exec.

    File modes already make ``read_only`` read-only for other users; root needs mounts.
    """
    command = [*_command(), "--env-file", str(env), *args]
    if read_only is not None and AS_ROOT:
        command = [*read_only_for_root(read_only), *command]
    if file_size_limit is None:
        return command, None
    limit = file_size_limit

    def preexec() -> None:
        # Writes past the limit fail as they would on a full disk (Python ignores SIGXFSZ).
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return command, preexec


CHILD_ENV = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}


def cli(folder: Path, env: Path, *args: str, **options: Any) -> subprocess.Popen[str]:
    """Start the command (the caller waits, see finish)."""
    command, preexec = cli_args(env, *args, **options)
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=CHILD_ENV,
        cwd=folder,
        preexec_fn=preexec,
    )


async def cli_async(folder: Path, env: Path, *args: str, **options: Any) -> tuple[int, str]:
    """Run the command while this event loop serves the emulator; returns (code, stderr)."""
    command, preexec = cli_args(env, *args, **options)
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=CHILD_ENV,
        cwd=folder,
        preexec_fn=preexec,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, stdout, stderr


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert TOKEN not in stderr
    return lines[0]


# -- broken databases ----------------------------------------------------------------------------


def bot_database(path: Path, filler_rows: int = 400) -> Path:
    """A database as the bot leaves it (every migration, WAL mode) with some rows in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    bot_database_on(conn, filler_rows)
    conn.close()
    return path


def bot_database_on(conn: sqlite3.Connection, filler_rows: int = 400) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    migrations = load_migrations()
    for migration in migrations:
        conn.executescript(migration.sql)
    conn.execute(f"PRAGMA user_version = {migrations[-1].version}")
    conn.execute("CREATE TABLE filler (x TEXT)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 400,) for _ in range(filler_rows)])


def random_bytes(path: Path) -> None:
    path.write_bytes(b"\x00not sqlite\x00" + os.urandom(16_384))


def truncated(path: Path) -> None:
    bot_database(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def read_only_filesystem(path: Path) -> ReadOnly:
    bot_database(path)
    path.chmod(0o444)
    path.parent.chmod(0o555)
    return ReadOnly(path.parent)


def read_only_folder(path: Path) -> ReadOnly:
    """A writable file in a read-only folder, where SQLite cannot create its -wal and -shm."""
    bot_database(path)
    writable = path.parent.parent / "writable" / path.name
    writable.parent.mkdir()
    shutil.copy(path, writable)
    path.parent.chmod(0o555)
    return ReadOnly(path.parent, (writable, path))


def read_only_file(path: Path) -> ReadOnly:
    bot_database(path)
    path.chmod(0o444)
    return ReadOnly(path)


# Each case breaks DATABASE_PATH, returns what must be read-only if anything, and the fix.
BROKEN: dict[str, tuple[Callable[[Path], ReadOnly | None], str]] = {
    "random bytes": (random_bytes, "is not a SQLite database: point DATABASE_PATH at"),
    "cut in half": (truncated, "copy your latest backup over DATABASE_PATH"),
    "read-only filesystem": (read_only_filesystem, "a directory the bot can write to"),
    "read-only folder": (read_only_folder, "a directory the bot can write to"),
    "read-only file": (read_only_file, "a directory the bot can write to"),
}


def database_in(folder: Path) -> Path:
    (folder / "data").mkdir()
    return folder / "data" / "ni.db"


@pytest.mark.parametrize("case", BROKEN)
def test_run_refuses_a_broken_database_in_one_line(
    folder: Path, discord: FakeDiscord, case: str
) -> None:
    make, expected = BROKEN[case]
    database = database_in(folder)
    read_only = make(database)
    env = env_file(folder, database, discord)
    code, _, stderr = finish(cli(folder, env, "run", read_only=read_only))
    line = one_line(stderr)
    assert code == 2, stderr
    assert expected in line
    assert discord.contacts == 0, "the bot talked to Discord before checking its database"


@pytest.mark.parametrize("case", BROKEN)
def test_check_reports_a_broken_database_as_a_finding(
    folder: Path, discord: FakeDiscord, case: str
) -> None:
    make, expected = BROKEN[case]
    database = database_in(folder)
    read_only = make(database)
    env = env_file(folder, database, discord)
    code, stdout, stderr = finish(cli(folder, env, "check", read_only=read_only))
    assert "Traceback" not in stderr, stderr
    assert code == 1, stdout + stderr
    failed = [line for line in stdout.splitlines() if line.startswith("FAIL")]
    assert failed and all(expected in line for line in failed), stdout
    assert "exercise right-job" in stdout  # the other checks still ran


@pytest.mark.parametrize("case", ["random bytes", "cut in half"])
def test_backup_refuses_a_broken_source_in_one_line(
    folder: Path, discord: FakeDiscord, case: str
) -> None:
    make, expected = BROKEN[case]
    database = database_in(folder)
    make(database)
    env = env_file(folder, database, discord)
    code, _, stderr = finish(cli(folder, env, "backup", str(folder / "copy.db")))
    line = one_line(stderr)
    assert code == 2, stderr
    assert line.startswith("Database problem: ") and expected in line
    assert not list(folder.glob("copy.db*")), "a failed backup left a file behind"


def test_a_database_locked_by_another_program_is_refused_after_the_busy_wait(
    folder: Path, discord: FakeDiscord
) -> None:
    database = bot_database(database_in(folder))
    env = env_file(folder, database, discord)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        # Both at once: each waits out the busy timeout, and the test should not wait twice.
        run, check = cli(folder, env, "run"), cli(folder, env, "check")
        run_code, _, run_err = finish(run)
        check_code, check_out, check_err = finish(check)
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    line = one_line(run_err)
    assert run_code == 2
    assert "locked by another program" in line and "stop the other program" in line
    assert 4.5 <= elapsed < 30, f"not a bounded wait of about 5 s: {elapsed:.1f}s"
    assert discord.contacts == 0
    assert "Traceback" not in check_err, check_err
    assert check_code == 1
    assert any(
        line.startswith("FAIL") and "locked by another program" in line
        for line in check_out.splitlines()
    ), check_out


def test_a_disk_that_refuses_writes_at_start_is_one_line(
    folder: Path, discord: FakeDiscord
) -> None:
    database = database_in(folder)  # a first start: SQLite must write the new file
    env = env_file(folder, database, discord)
    code, _, stderr = finish(cli(folder, env, "run", file_size_limit=16_384))
    line = one_line(stderr)
    assert code == 2, stderr
    assert "free space" in line or "free some space" in line
    assert discord.contacts == 0


class DiskUsage(NamedTuple):
    total: int
    used: int
    free: int


def test_check_reports_a_nearly_full_disk(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = bot_database(database_in(folder))
    settings = load_settings(None, discord_token=TOKEN, database_path=database)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: DiskUsage(10**9, 10**9 - 4096, 4096))
    findings = run_checks(settings)
    failed = [f.text for f in findings if not f.ok]
    assert len(failed) == 1 and "free some space" in failed[0], failed


# -- migrations (before login) and the first writes (after it) ----------------------------------


def crashed(path: Path) -> None:
    """The bot's database as a crash leaves it: committed pages still in the write-ahead log."""
    live = path.with_name("live.db")
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    bot_database_on(conn)
    # Copied while the connection is open, before closing would checkpoint the log away.
    for suffix in ("", "-wal", "-shm"):
        shutil.copy(f"{live}{suffix}", f"{path}{suffix}")
    conn.close()


async def test_a_full_disk_during_migrations_is_one_line(folder: Path, emulator: Emulator) -> None:
    database = database_in(folder)  # new: every migration must be written, past the limit
    env = env_file(folder, database, emulator, LOG_LEVEL="ERROR")
    code, stderr = await cli_async(folder, env, "run", file_size_limit=65_536)
    line = one_line(stderr)
    assert code == 2, stderr
    assert line.startswith("Database problem: Migration to version")
    assert "unchanged at version 0" in line and "free space" in line
    # Migrations run before the bot logs in: a database that cannot be upgraded never
    # reaches Discord.
    assert not any(r.path == "/users/@me" for r in emulator.requests)


async def test_a_full_disk_after_migrations_is_one_line(folder: Path, emulator: Emulator) -> None:
    database = database_in(folder)
    crashed(database)  # the log already past the limit: the first write must grow the file
    env = env_file(folder, database, emulator, LOG_LEVEL="ERROR")
    code, stderr = await cli_async(folder, env, "run", file_size_limit=65_536)
    line = one_line(stderr)
    assert code == 2, stderr
    assert line.startswith("Database problem: ") and "free space" in line
    assert any(r.path == "/users/@me" for r in emulator.requests), "failed before login"


def test_sqlite_full_names_the_fix(folder: Path) -> None:
    database = folder / "full.db"
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA max_page_count = 2")  # as if the disk filled after two pages
    with pytest.raises(sqlite3.Error) as info:
        bot_database_on(conn)
    conn.close()
    assert describe_problem(info.value, database) == (
        f"The disk holding {database} is full: free some space on it and start again."
    )


async def test_a_migration_that_fills_the_disk_says_so(folder: Path) -> None:
    database = folder / "full.db"
    db = await Database.connect(database)
    try:
        async with db.transaction() as conn:
            await conn.execute("PRAGMA max_page_count = 3")
        with pytest.raises(MigrationError) as info:
            await db.migrate()
    finally:
        await db.close()
    assert "unchanged at version 0: The disk holding" in str(info.value)
    assert "free some space" in str(info.value)


def test_backup_to_a_read_only_folder_is_one_line(folder: Path, discord: FakeDiscord) -> None:
    database = bot_database(database_in(folder))
    env = env_file(folder, database, discord)
    target = folder / "backups"
    target.mkdir()
    target.chmod(0o555)
    process = cli(folder, env, "backup", str(target / "copy.db"), read_only=ReadOnly(target))
    code, _, stderr = finish(process)
    line = one_line(stderr)
    assert code == 2, stderr
    assert line.startswith(f"Database problem: Cannot write the backup {target / 'copy.db'}")
    assert "choose a path in a folder you can write to" in line
