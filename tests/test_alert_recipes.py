"""docs/alerts.md's alert recipes (crontab, systemd user service and timer), run as written.

Only the ntfy URL is swapped for a loopback server; the crontab line runs through /bin/sh in the
environment cron gives, and the service's ExecStart runs with %h expanded to a home whose
~/.local/bin/isstrack is the installed executable.
"""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import stat
import subprocess
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.alert_helpers import parse_iso, recording_server
from tests.conftest import isstrack_command
from tests.test_cron import README_PATH, installed_script

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = "https://ntfy.sh/YOUR-TOPIC"
AT = "2026-09-25T18:25:00Z"  # a bright pass over Amsterdam starts a few minutes later


def readme_blocks(kind: str) -> list[str]:
    """Return docs/alerts.md's fenced blocks of one kind."""
    return re.findall(rf"```{kind}\n(.+?)\n```", (ROOT / "docs" / "alerts.md").read_text(), re.S)


def crontab_recipe() -> tuple[dict[str, str], str]:
    """Return the variables and the command of the crontab block of docs/alerts.md for `isstrack alert`."""
    (block,) = [b for b in readme_blocks("crontab") if "isstrack alert" in b]
    variables: dict[str, str] = {}
    command = ""
    for line in block.splitlines():
        if re.match(r"^[A-Z_]+=", line):
            key, _, value = line.partition("=")
            variables[key] = value
        elif line.strip():
            fields = line.split(None, 5)
            assert len(fields) == 6, "five schedule fields and a command"
            assert fields[:5] == ["*/5", "*", "*", "*", "*"]
            command = fields[5]
    assert command.startswith(README_PATH + " alert ") and PLACEHOLDER in command
    return variables, command.replace(README_PATH, installed_script(), 1)


def units() -> tuple[configparser.ConfigParser, configparser.ConfigParser, str, str]:
    """Return docs/alerts.md's service and timer units, parsed, and their text."""
    blocks = readme_blocks("ini")
    (service_text,) = [b for b in blocks if "[Service]" in b and "isstrack alert" in b]
    (timer_text,) = [b for b in blocks if "[Timer]" in b]
    parsed = []
    for text in (service_text, timer_text):
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
        parser.read_string(text)
        parsed.append(parser)
    return parsed[0], parsed[1], service_text, timer_text


def expected_pass(cli_env: dict[str, str]) -> dict[str, object]:
    """Return the first pass `isstrack passes --json` lists from AT, by the same elements."""
    listed = subprocess.run(
        [*isstrack_command(), "passes", "--city", "Amsterdam, NL", "--from", AT, "--days", "1", "--offline",
         "--max-magnitude", "-2", "--json", "-q"],
        env=cli_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    import json

    return dict(json.loads(listed.stdout)["passes"][0])


def test_crontab_recipe_sends_once_and_is_silent(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    variables, command = crontab_recipe()
    home = tmp_path / "home"
    home.mkdir()
    with recording_server() as (base, recorder):
        line = command.replace(PLACEHOLDER, f"{base}/ntfy/topic")
        env = {
            "PATH": variables["PATH"],  # only the crontab's PATH: no venv, no ~/.local/bin
            "HOME": str(home),
            "SHELL": "/bin/sh",
            "LOGNAME": "cron",
            "ISSTRACK_TLE_URL": f"{base}/gp.php?CATNR={{catnr}}",  # answers 501: never a real host
            "ISSTRACK_AT": AT,
        }
        cron = [
            "/usr/bin/env",
            "-i",
            *(f"{key}={value}" for key, value in env.items()),
            "/bin/sh",
            "-c",
            line,
        ]
        runs = [subprocess.run(cron, env={}, capture_output=True, text=True, timeout=120) for _ in range(2)]
        assert [r.returncode for r in runs] == [0, 1], runs[0].stderr
        assert all(r.stdout == "" and r.stderr == "" for r in runs), "cron mails nothing"
        (note,) = recorder.delivered("/ntfy/")
    assert (home / ".local" / "state" / "isstrack" / "alerts-sent.json").is_file(), "state under $HOME"
    item = expected_pass({**isolated_env, "PATH": "/usr/bin:/bin", "HOME": str(home)})
    start = parse_iso(item["visible_start"]["time"])  # type: ignore[index]
    body = note.body.decode()
    minutes = int((start - parse_iso(AT)) // timedelta(minutes=1))
    local = start.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M")
    assert body.startswith(f"{local} (in {minutes} min): appears "), body
    assert note.headers["Title"] == "ISS over Amsterdam, NL"


def test_systemd_units_parse_and_their_command_runs(tmp_path: Path) -> None:
    service, timer, service_text, timer_text = units()
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["SuccessExitStatus"] == "1", "nothing to send is not a failure"
    assert timer["Timer"]["OnCalendar"] == "*:0/5"
    assert timer["Install"]["WantedBy"] == "timers.target"
    exec_start = service["Service"]["ExecStart"]
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "isstrack").symlink_to(isstrack_command()[0])
    argv = shlex.split(exec_start.replace("%h", str(home)))
    assert argv[0] == f"{home}/.local/bin/isstrack" and argv[1] == "alert"
    assert "Amsterdam, NL" in argv and PLACEHOLDER in argv

    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    shown = tmp_path / "shown.txt"
    (fake_bin / "notify-send").write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> {shown}\necho >> {shown}\n')
    (fake_bin / "notify-send").chmod(0o755 | stat.S_IXUSR)
    with recording_server() as (base, recorder):
        env = {  # what a systemd user manager gives a service
            "HOME": str(home),
            "PATH": f"{fake_bin}:/usr/local/bin:/usr/bin:/bin",
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/bus",
            "XDG_RUNTIME_DIR": str(tmp_path),
            "ISSTRACK_TLE_URL": f"{base}/gp.php?CATNR={{catnr}}",
            "ISSTRACK_AT": AT,
        }
        command = [base + "/ntfy/topic" if word == PLACEHOLDER else word for word in argv]
        runs = [
            subprocess.run(command, env=env, capture_output=True, text=True, timeout=120) for _ in range(2)
        ]
        assert [r.returncode for r in runs] == [0, 1], runs[0].stderr
        assert all(r.stdout == "" and r.stderr == "" for r in runs)
        assert len(recorder.delivered("/ntfy/")) == 1
    (popup,) = shown.read_text().splitlines()
    assert popup.startswith("--app-name=isstrack|--urgency=normal|--|ISS over Amsterdam, NL|")

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # the parsing and the run above still hold; systemd itself is not on this machine
    calendar = subprocess.run([analyze, "calendar", "*:0/5"], capture_output=True, text=True, timeout=30)
    assert calendar.returncode == 0 and "Next elapse" in calendar.stdout
    unit_dir = tmp_path / "units"
    unit_dir.mkdir()
    (unit_dir / "isstrack-alert.service").write_text(service_text.replace("%h", str(home)) + "\n")
    (unit_dir / "isstrack-alert.timer").write_text(timer_text + "\n")
    files = [str(unit_dir / "isstrack-alert.service"), str(unit_dir / "isstrack-alert.timer")]
    verify = subprocess.run(
        [analyze, "verify", "--man=no", *files], capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0 and verify.stderr.strip() == "", verify.stderr
