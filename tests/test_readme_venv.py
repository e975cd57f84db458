"""The README as a newcomer uses it: its set-up line and its example commands, run as written in a fresh
virtual environment, with the network closed.

How the environment is made, and why: a copy of the project (pyproject.toml, README.md, isstrack/,
data/) goes to a temporary directory, and the README's line `python3 -m venv .venv && . .venv/bin/activate
&& pip install . && isstrack now --offline` runs there through bash, word for word. Installing the
dependencies for real (Skyfield, numpy, Rich, the gazetteer, ...) from the local mirror takes minutes,
so two things keep it under a minute and change nothing the line itself does: `PIP_NO_DEPS=1` in the
environment (pip's own `--no-deps`), and a `.pth` file in the new environment that puts this test
run's site-packages after its own, where the dependencies already are. `python3 -m venv .venv` on the
prepared directory keeps that file, as it keeps any installed package. `pip install .` still builds
isstrack from the copied source in an isolated build environment (setuptools from the local mirror)
and installs it, not editable, into the new environment; the test checks that the `isstrack` that runs
is that one. The README's test line (`pip install -e '.[test]' && pytest`) is not run here: it is what
`.ci/run` runs (tests/test_contract.py checks the two lines are one).

Then, in that environment, offline (`ISSTRACK_OFFLINE=1`, the element URL a closed port on 127.0.0.1)
and in private cache, config and state directories: every `$ isstrack ...` transcript of the README
prints exactly the output the README shows (80 columns, no colour, as the README says), those of
docs/*.md print what their pages show as the start of their output (the pages cut long ones), and the ten
commands run, with `ISSTRACK_AT` near the bundled elements' epoch so that `next` has elements it trusts,
each exiting 0 with output. Of the ten, `alert --ntfy https://ntfy.sh/...` would post to a real host
and is left out (tests/test_alert_recipes.py runs the alert recipes against a local server).

It runs in the default `pytest` run, so in CI; about 25-40 s, most of it the isolated build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CLOSED_URL = "http://127.0.0.1:9/gp.php?CATNR={catnr}&FORMAT=TLE"  # nothing listens: no network use
TRUSTED_AT = "2026-09-24T18:00:00Z"  # half a day after the bundled elements' epoch


def setup_line() -> str:
    found = re.search(r"no network needed\):\n\n```sh\n(.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert found, "the README's set-up line"
    return found.group(1)


def transcripts(page: Path = README) -> list[tuple[str, str]]:
    """Return each transcript block of a page: the command after `$ ` and the output shown below it."""
    found = []
    for body in re.findall(r"^```\n(.*?)^```$", page.read_text(encoding="utf-8"), re.M | re.S):
        first, _, shown = body.partition("\n")
        if first.startswith("$ isstrack "):
            found.append((first[2:], shown))
    return found


def ten_commands() -> list[str]:
    """Return the command lines of the README's "ten commands" block, comments dropped."""
    section = README.read_text(encoding="utf-8").split("\n## The ten commands", 1)[1]
    block = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert block, "the ten commands block"
    return [re.split(r"\s#\s", line, maxsplit=1)[0].strip() for line in block.group(1).splitlines()]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Run the README's set-up line in a copy of the project; return the copy and the environment."""
    work = tmp_path_factory.mktemp("readme")
    project = work / "isstrack-clone"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "isstrack", project / "isstrack", symlinks=True, ignore=ignore)  # data: a link
    shutil.copytree(ROOT / "data", project / "data", ignore=ignore)
    subprocess.run([sys.executable, "-m", "venv", str(project / ".venv")], check=True, timeout=120)
    (new_site,) = (project / ".venv" / "lib").glob("python3*/site-packages")
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (new_site / "readme-test-deps.pth").write_text("".join(f"{path}\n" for path in sorted(here)))
    # pip's own settings (the local mirror) come from PIP_* and the config files under HOME and
    # XDG_CONFIG_HOME; isstrack's directories are all set below, so it writes nothing there.
    kept = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    env = {key: value for key, value in os.environ.items() if key.startswith("PIP_") or key in kept}
    env |= {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",  # python3 as this run has it
        "LANG": "C.UTF-8",
        "PIP_NO_DEPS": "1",
        "ISSTRACK_OFFLINE": "1",
        "ISSTRACK_TLE_URL": CLOSED_URL,
        "ISSTRACK_CACHE_DIR": str(work / "cache"),
        "ISSTRACK_CONFIG_DIR": str(work / "config"),
        "ISSTRACK_STATE_DIR": str(work / "state"),
        "NO_COLOR": "1",
        "COLUMNS": "80",
    }
    done = subprocess.run(
        ["bash", "-c", setup_line()], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "ISS now" in done.stdout, done.stdout
    env["PATH"] = f"{project / '.venv' / 'bin'}:{env['PATH']}"  # as `. .venv/bin/activate` left it
    return project, env


def run(line: str, venv: tuple[Path, dict[str, str]], **extra: str) -> subprocess.CompletedProcess[str]:
    project, env = venv
    return subprocess.run(
        ["bash", "-c", line], cwd=project, env=env | extra, capture_output=True, text=True, timeout=120
    )


def test_the_setup_line_installed_the_copy_not_editable(venv: tuple[Path, dict[str, str]]) -> None:
    project, _ = venv
    # From another directory: in the project, its own isstrack/ folder would answer first.
    where = run("cd / && python -c 'import isstrack; print(isstrack.__file__)'", venv)
    assert where.returncode == 0, where.stderr
    installed = Path(where.stdout.strip())
    assert installed.is_relative_to(project / ".venv"), installed
    assert run("command -v isstrack", venv).stdout.strip() == str(project / ".venv" / "bin" / "isstrack")


def test_every_readme_transcript_prints_what_the_readme_shows(venv: tuple[Path, dict[str, str]]) -> None:
    shown = transcripts()
    assert len(shown) >= 3, "the README shows real output"
    for command, output in shown:
        done = run(command, venv)
        assert done.returncode == 0, f"{command}: exit {done.returncode}: {done.stderr}"
        assert done.stdout.strip(), f"{command}: no output"
        got = [line.rstrip() for line in done.stdout.rstrip("\n").splitlines()]
        want = [line.rstrip() for line in output.rstrip("\n").splitlines()]
        assert got == want, (
            f"the README's output of {command} is not what it prints now (tools/refresh_transcripts.py "
            f"rewrites it):\n{done.stdout}"
        )


def test_the_ten_commands_run_offline(venv: tuple[Path, dict[str, str]]) -> None:
    lines = ten_commands()
    assert len(lines) >= 10 and lines[0].startswith("isstrack location set ")
    for line in lines:
        if " alert " in f" {line} ":
            continue  # it would post to ntfy.sh: see the module's docstring
        done = run(line, venv, ISSTRACK_AT=TRUSTED_AT)
        assert done.returncode == 0, f"{line}: exit {done.returncode}: {done.stderr}"
        if "--ics passes.ics" in line:  # its output is the file
            assert "BEGIN:VEVENT" in (venv[0] / "passes.ics").read_text(encoding="utf-8"), line
        else:
            assert done.stdout.strip(), f"{line}: no output"


def test_the_docs_transcripts_begin_as_their_pages_show(venv: tuple[Path, dict[str, str]]) -> None:
    shown = [found for page in sorted((ROOT / "docs").glob("*.md")) for found in transcripts(page)]
    assert len(shown) >= 3, "docs/map.md and docs/transits.md show real output"
    for command, output in shown:
        done = run(command, venv)
        assert done.returncode == 0, f"{command}: exit {done.returncode}: {done.stderr}"
        got = [line.rstrip() for line in done.stdout.rstrip("\n").splitlines()]
        want = [line.rstrip() for line in output.rstrip("\n").splitlines()]
        assert want and got[: len(want)] == want, (
            f"docs show other output for {command} (tools/refresh_transcripts.py):\n{done.stdout}"
        )
