from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

APP_ID = 1234567890123456789
GOOD_TOKEN = (
    base64.urlsafe_b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GhIjKl." + "a" * 38
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in (
        "DISCORD_TOKEN",
        "DISCORD_APPLICATION_ID",
        "DATABASE_PATH",
        "DEV_GUILD_ID",
        "LOG_LEVEL",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "SHARD_COUNT",
        "SHARD_IDS",
        "DEFAULT_TIMEZONE",
    ):
        monkeypatch.delenv(key, raising=False)


def test_defaults() -> None:
    settings = load_settings(None)
    assert settings.database_path == Path("data/nextinterview.db")
    assert settings.log_level == "INFO"
    assert settings.discord_api_base is None
    assert settings.shard_ids is None


def test_reads_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        f"DISCORD_TOKEN={GOOD_TOKEN}\nLOG_LEVEL=debug\nSHARD_COUNT=4\nSHARD_IDS=0, 2\n"
        "DEV_GUILD_ID=\nDISCORD_API_BASE=http://127.0.0.1:9/api/v10/\n"
    )
    settings = load_settings(env)
    assert settings.token() == GOOD_TOKEN
    assert settings.log_level == "DEBUG"
    assert settings.shard_ids == [0, 2]
    assert settings.dev_guild_id is None
    assert settings.discord_api_base == "http://127.0.0.1:9/api/v10"
    assert settings.application_id() == APP_ID


def test_token_is_never_in_repr() -> None:
    settings = load_settings(None, discord_token=GOOD_TOKEN)
    assert GOOD_TOKEN not in repr(settings)
    assert GOOD_TOKEN not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"discord_token": "not-a-token"}, "does not look like a bot token"),
        ({"discord_token": f"Bot {GOOD_TOKEN}"}, "starts with 'Bot '"),
    ],
)
def test_token_problems(overrides: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        load_settings(None, **overrides).token()
    assert "Developer Portal" in str(info.value) or "only the token" in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL"),
        ("DISCORD_API_BASE", "discord.com", "DISCORD_API_BASE"),
        ("DISCORD_GATEWAY_URL", "http://x", "DISCORD_GATEWAY_URL"),
        ("SHARD_COUNT", "0", "SHARD_COUNT"),
    ],
)
def test_bad_values_name_key_and_fix(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=expected) as info:
        load_settings(None)
    message = str(info.value)
    assert "\n" not in message
    assert message.endswith(".")


def test_shard_ids_need_a_count_and_must_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_IDS", "0,1")
    with pytest.raises(ConfigError, match="SHARD_COUNT"):
        load_settings(None)
    monkeypatch.setenv("SHARD_COUNT", "1")
    with pytest.raises(ConfigError, match="not below SHARD_COUNT"):
        load_settings(None)


def test_unwritable_database_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings = load_settings(None, database_path=blocker / "sub" / "db.sqlite")
    with pytest.raises(ConfigError, match="DATABASE_PATH"):
        settings.check_database_path()
    directory = load_settings(None, database_path=tmp_path)
    with pytest.raises(ConfigError, match="is a directory"):
        directory.check_database_path()


def _cli(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none.env"), *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "abc.def"}, "does not look like a bot token"),
        ({"DISCORD_TOKEN": GOOD_TOKEN, "DEFAULT_TIMEZONE": "Nowhere/Land"}, "unknown time zone"),
    ],
)
def test_cli_reports_one_line_and_exits_2(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = _cli(tmp_path, "run", env=env)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert GOOD_TOKEN not in result.stderr + result.stdout


def test_cli_unwritable_database(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    result = _cli(
        tmp_path,
        "run",
        env={"DISCORD_TOKEN": GOOD_TOKEN, "DATABASE_PATH": str(tmp_path / "blocker" / "x.db")},
    )
    assert result.returncode == 2
    assert "DATABASE_PATH" in result.stderr
    assert "Traceback" not in result.stderr


def test_invite_url(tmp_path: Path) -> None:
    result = _cli(tmp_path, "invite-url", env={"DISCORD_TOKEN": GOOD_TOKEN})
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert f"client_id={APP_ID}" in url
    assert "scope=bot+applications.commands" in url
    # view channel, send messages, embed links, attach files
    assert "permissions=52224" in url


def test_check_reports_every_problem(tmp_path: Path) -> None:
    result = _cli(tmp_path, "check", env={"DISCORD_TOKEN": "nope"})
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "DISCORD_TOKEN" in result.stdout
    assert "migrations" in result.stdout
    good = _cli(
        tmp_path,
        "check",
        env={"DISCORD_TOKEN": GOOD_TOKEN, "DATABASE_PATH": str(tmp_path / "x.db")},
    )
    assert good.returncode == 0, good.stdout
    assert "0 to fix" in good.stdout


def test_cli_backup_copies_the_database(tmp_path: Path) -> None:
    import sqlite3

    source = tmp_path / "live.db"
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (42)")
    conn.commit()
    conn.close()
    result = _cli(tmp_path, "backup", str(tmp_path / "copy.db"), env={"DATABASE_PATH": str(source)})
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT x FROM t").fetchall() == [(42,)]
    copy.close()
    missing = _cli(tmp_path, "backup", "x.db", env={"DATABASE_PATH": str(tmp_path / "nope.db")})
    assert missing.returncode == 2
    assert "No database at" in missing.stderr and "Traceback" not in missing.stderr


def test_check_and_run_name_a_broken_exercise_file(tmp_path: Path) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "broken.toml").write_text(
        'id = "broken"\ntitle = "T"\nsummary = "S"\nintro = "I"\noutro = "O"\n'
        '[[steps]]\nid = "first"\nkind = "essay"\nprompt = "?"\n'
    )
    env = {
        "DISCORD_TOKEN": GOOD_TOKEN,
        "EXERCISES_DIR": str(folder),
        "DATABASE_PATH": str(tmp_path / "x.db"),
    }
    checked = _cli(tmp_path, "check", env=env)
    assert checked.returncode == 1
    assert "broken.toml: step 'first': kind 'essay' is not one of" in checked.stdout
    ran = _cli(tmp_path, "run", env=env)
    assert ran.returncode == 2
    assert "Exercise file problem: broken.toml: step 'first'" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_the_example_file_copied_as_is_is_a_valid_configuration(tmp_path: Path) -> None:
    # Copying .env.example to .env and filling in only the token must pass `check`: its
    # blank SHARD_IDS= used to count as "some shards, but no SHARD_COUNT".
    example = Path(__file__).resolve().parents[2] / ".env.example"
    env = tmp_path / ".env"
    env.write_text(
        example.read_text("utf-8").replace("DISCORD_TOKEN=", f"DISCORD_TOKEN={GOOD_TOKEN}")
    )
    settings = load_settings(env)
    assert settings.shard_ids is None and settings.shard_count is None
    assert settings.database_url is None and settings.rest_budget is None
