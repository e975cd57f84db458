"""config.toml's [smtp] table: the server for `alert --email` without environment variables, the
password only from a file of the user's own, the environment first, and one clear line for a bad table."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from isstrack.alerts.email import config_smtp, smtp_settings
from isstrack.errors import BadInputError
from tests.alert_helpers import AMSTERDAM, iso, parse_iso, reference_file
from tests.conftest import run_in_process
from tests.smtp_helpers import smtp_server
from tests.test_alert_email import READERS, START, visible_passes

SMTP_VARIABLES = ("URL", "USER", "PASSWORD", "PASSWORD_FILE", "FROM")


@pytest.fixture
def no_smtp_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SMTP_VARIABLES:
        monkeypatch.delenv(f"ISSTRACK_SMTP_{name}", raising=False)
    return monkeypatch


@pytest.fixture
def config(isolated_env: dict[str, str]) -> Path:
    """Return the test's configuration directory, made."""
    folder = Path(isolated_env["ISSTRACK_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def secret(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "smtp-password"
    path.write_text(text + "\n")
    path.chmod(mode)
    return path


def mail_run(config: Path, tle: Path, *, env_url: str = "") -> object:
    item = visible_passes(tle, START, 3)[0]
    at = parse_iso(item["visible_start"]["time"]) - timedelta(minutes=10)
    args = ["alert", "--lat", AMSTERDAM[0], "--lon", AMSTERDAM[1], "--before", "15m", "--tle-file", str(tle)]
    args += [arg for reader in READERS for arg in ("--email", reader)]
    env = {"ISSTRACK_AT": iso(at), "ISSTRACK_SMTP_URL": env_url, "ISSTRACK_CONFIG_DIR": str(config)}
    return run_in_process([*args, "--max-magnitude", "-1.5", "-q"], env)


def test_a_login_server_from_config_toml_with_the_password_in_a_file(tmp_path: Path, config: Path) -> None:
    tle = reference_file(tmp_path, 18)
    password = secret(tmp_path, "s3cret-Qv7")
    with smtp_server("alice", "s3cret-Qv7") as (port, box):
        (config / "config.toml").write_text(
            f'[home]\nname = "Amsterdam"\nlatitude_deg = 52.37\nlongitude_deg = 4.89\n\n'
            f'[smtp]\nurl = "smtp://alice@127.0.0.1:{port}?from=iss@example.org"\n'
            f'password_file = "{password}"\n'
        )
        result = mail_run(config, tle)
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert box.logins == [("alice", "s3cret-Qv7")] * len(READERS)  # one message, one login, each
    assert sorted(to for _, (to,) in box.envelopes) == sorted(READERS)
    assert "s3cret" not in result.out + result.err  # type: ignore[attr-defined]


def test_the_environment_comes_before_config_toml(tmp_path: Path, config: Path) -> None:
    tle = reference_file(tmp_path, 18)
    # config.toml names a port nothing listens on: only the environment's server can take the mail.
    (config / "config.toml").write_text('[smtp]\nurl = "smtp://127.0.0.1:9"\n')
    with smtp_server() as (port, box):
        result = mail_run(config, tle, env_url=f"smtp://127.0.0.1:{port}?from=iss@example.org")
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert len(box.messages) == len(READERS)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('password = "Hunter2-secret"\nurl = "smtp://bob@mail.example.org"', "password_file"),
        (
            'url = "smtp://mail.example.org"\nport = 25',
            "has no key 'port'; the keys are url and password_file",
        ),
        ("url = 587", 'url is not text; write url = "..."'),
        ('password_file = "/x"', "has no url"),
        ('url = "smtp://bob:Hunter2-secret@mail.example.org"', "environment"),
        ('url = "gopher://mail.example.org"', "smtp:// or smtps://"),
    ],
)
def test_a_bad_smtp_table_is_named_with_the_fix_and_no_secret(
    no_smtp_env: pytest.MonkeyPatch, tmp_path: Path, table: str, words: str
) -> None:
    (tmp_path / "config.toml").write_text(f"[smtp]\n{table}\n")
    with pytest.raises(BadInputError) as caught:
        smtp_settings(config_smtp(tmp_path))
    message = str(caught.value)
    assert words in message and "Hunter2" not in message
    assert str(tmp_path / "config.toml") in message or "smtp://" in message


def test_smtp_must_be_a_table_and_broken_toml_is_named(
    no_smtp_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('smtp = "smtp://mail.example.org"\n')
    with pytest.raises(BadInputError, match=r"smtp must be a table, like '\[smtp\]'"):
        config_smtp(tmp_path)
    (tmp_path / "config.toml").write_text("[smtp\nurl = \n")
    with pytest.raises(BadInputError, match="fix the file"):
        config_smtp(tmp_path)
    (tmp_path / "config.toml").unlink()
    assert config_smtp(tmp_path) is None


def test_the_password_file_must_be_the_users_alone(no_smtp_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    password = secret(tmp_path, "pw", mode=0o640)
    (tmp_path / "config.toml").write_text(
        f'[smtp]\nurl = "smtp://bob@mail.example.org"\npassword_file = "{password}"\n'
    )
    with pytest.raises(BadInputError, match="chmod 600"):
        smtp_settings(config_smtp(tmp_path))
    os.chmod(password, 0o600)
    assert smtp_settings(config_smtp(tmp_path)).server.password == "pw"


def test_the_cli_says_one_line_and_exits_2_for_a_bad_table(tmp_path: Path, config: Path) -> None:
    tle = reference_file(tmp_path, 18)
    (config / "config.toml").write_text('[smtp]\nurl = "smtp://mail.example.org"\npassword = "Hunter2"\n')
    result = mail_run(config, tle)
    assert result.code == 2  # type: ignore[attr-defined]
    lines = result.err.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and "password_file" in lines[0] and "Hunter2" not in lines[0]
    assert "Traceback" not in result.err  # type: ignore[attr-defined]


def test_saving_a_place_keeps_the_smtp_table(config: Path) -> None:
    (config / "config.toml").write_text('[smtp]\nurl = "smtp://mail.example.org"\n')
    saved = run_in_process(["location", "set", "--lat", "52.37", "--lon", "4.89"])
    assert saved.code == 0, saved.err
    found = config_smtp(config)
    assert found is not None and found.url == "smtp://mail.example.org"


def test_a_file_with_only_smtp_saves_no_place(config: Path) -> None:
    (config / "config.toml").write_text('[smtp]\nurl = "smtp://mail.example.org"\n')
    shown = run_in_process(["location", "show"])
    assert shown.code == 0 and shown.out.startswith("no home location saved"), (shown.out, shown.err)


def test_the_config_password_goes_only_to_the_config_server(
    no_smtp_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = secret(tmp_path, "for-config-server-only")
    (tmp_path / "config.toml").write_text(
        f'[smtp]\nurl = "smtp://bob@mail.example.org"\npassword_file = "{password}"\n'
    )
    no_smtp_env.setenv("ISSTRACK_SMTP_URL", "smtp://bob@other.example.net")
    chosen = smtp_settings(config_smtp(tmp_path))
    assert chosen.server.host == "other.example.net" and chosen.server.password is None
    no_smtp_env.delenv("ISSTRACK_SMTP_URL")
    assert smtp_settings(config_smtp(tmp_path)).server.password == "for-config-server-only"
