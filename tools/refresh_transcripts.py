"""Rewrite the output shown under each `$ isstrack ...` of README.md and docs/*.md with what it prints now.

Run by a maintainer from the repository root, with isstrack installed (`pip install -e .`), after a
change to what a command prints (tests/test_readme_venv.py fails until the pages show the real output):

    python tools/refresh_transcripts.py

Each command runs as tests/test_readme_venv.py runs it: through bash, offline (`ISSTRACK_OFFLINE=1`,
with private cache, config and state directories, so the bundled elements answer), 80 columns, no
colour. README.md shows the whole output; a docs page keeps as many lines as it showed before (the
pages cut long outputs), so read the diff before committing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```\n(\$ isstrack [^\n]*)\n(.*?)^```$", re.M | re.S)


def printed(command: str, scratch: Path) -> list[str]:
    """Return the lines a transcript's command prints now."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "ISSTRACK_OFFLINE": "1",
        "ISSTRACK_TLE_URL": "http://127.0.0.1:9/gp.php?CATNR={catnr}&FORMAT=TLE",  # never a real host
        "ISSTRACK_CACHE_DIR": str(scratch / "cache"),
        "ISSTRACK_CONFIG_DIR": str(scratch / "config"),
        "ISSTRACK_STATE_DIR": str(scratch / "state"),
        "NO_COLOR": "1",
        "COLUMNS": "80",
    }
    done = subprocess.run(
        ["bash", "-c", command[2:]], cwd=scratch, env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        sys.exit(f"refresh_transcripts: {command}: exit {done.returncode}: {done.stderr.strip()}")
    return [line.rstrip() for line in done.stdout.rstrip("\n").splitlines()]


def main() -> None:
    """Rewrite every transcript block whose output differs from what its command prints now."""
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
            text = page.read_text(encoding="utf-8")

            def fresh(block: re.Match[str], whole: bool = page.name == "README.md") -> str:
                shown = block.group(2).rstrip("\n").splitlines()
                lines = printed(block.group(1), scratch)
                kept = lines if whole else lines[: len(shown)]
                return "```\n" + block.group(1) + "\n" + "".join(f"{line}\n" for line in kept) + "```"

            new = BLOCK.sub(fresh, text)
            if new != text:
                page.write_text(new, encoding="utf-8")
                print(f"rewrote {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
