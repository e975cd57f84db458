"""README.md and docs/*.md against the real program: every command and option they show exists, every
link resolves, and the map picture is a real PNG.

The commands and options come from the Typer app itself (the click command tree that `--help` prints),
never from a list kept here, so an option renamed or removed in the code fails this test until the
pages follow.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
MAP_PNG = ROOT / "docs" / "map.png"
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```$", re.M | re.S)
# The program's name as a shell word: bare, or a full path (/home/you/.venv/bin/isstrack, %h/.local/bin/...).
PROGRAM = re.compile(r"(?:(?<=^)|(?<=[\s\"'=]))(?:[\w.%~/-]*/)?isstrack(?=\s|$)")
SHELL_OPERATORS = set(";&|<>")


@cache
def tree() -> Any:
    """Return the click command tree the installed `isstrack` runs (Typer's own click, duck-typed)."""
    import typer

    from isstrack.cli.app import app

    group: Any = typer.main.get_command(app)
    assert is_group(group) and "passes" in group.commands
    return group


def is_group(command: Any) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def is_option(param: Any) -> bool:
    return bool(param.param_type_name == "option")


def is_argument(param: Any) -> bool:
    return bool(param.param_type_name == "argument")


@dataclass(frozen=True)
class Use:
    """One `isstrack ...` invocation written in a page."""

    page: str
    words: tuple[str, ...]
    strict: bool  # a command line to run (positionals counted), not a syntax summary in prose

    def __str__(self) -> str:
        return f"{self.page}: isstrack {' '.join(self.words)}"


def rel(page: Path) -> str:
    return str(page.relative_to(ROOT))


def outside_fences(text: str) -> str:
    """Return the page's prose: the text with its fenced blocks blanked out."""
    return FENCE.sub("", text)


def shell_words(rest: str) -> tuple[str, ...]:
    """Return the words of a shell command line up to its first operator (|, &&, ;, >, ...)."""
    lexer = shlex.shlex(rest, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if set(word) <= SHELL_OPERATORS:
            break
        words.append(word)
    return tuple(words)


def block_uses(page: Path) -> Iterator[Use]:
    """Yield every isstrack command line of the page's fenced blocks (shell, crontab, systemd, YAML)."""
    for tag, body in FENCE.findall(page.read_text(encoding="utf-8")):
        if tag == "python":
            continue
        for line in body.splitlines():
            if tag in ("", "text", "console"):  # a transcript: only its `$ ` lines are typed
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            line = re.split(r"\s#\s", line, maxsplit=1)[0]  # a shell comment says, it does not run
            for found in PROGRAM.finditer(line):
                rest = line[found.end() :]
                quote = line[found.start() - 1] if found.start() else ""
                if quote in ("'", '"'):  # command: "isstrack next ..." in YAML: the command ends at its quote
                    rest = rest[: rest.rindex(quote)]
                yield Use(rel(page), shell_words(rest), strict=True)


def span_uses(page: Path) -> Iterator[Use]:
    """Yield every `isstrack ...` code span of the page's prose, syntax summaries included."""
    for span in re.findall(r"`(isstrack [^`]+)`", outside_fences(page.read_text(encoding="utf-8"))):
        text = span.removeprefix("isstrack ")
        # " | " between alternatives ([--json | --csv]) goes on; before a word (| head -1) it is a pipe.
        parts = re.split(r"\s\\?\|\s", text)
        kept = [parts[0]]
        for part in parts[1:]:
            if not part.lstrip("[( ").startswith("-"):
                break
            kept.append(part)
        text = " ".join(kept).replace("\\|", "|").replace("...", " ")
        yield Use(rel(page), tuple(re.sub(r"[\[\]()]", " ", text).split()), strict=False)


def all_uses() -> list[Use]:
    return [use for page in PAGES for use in (*block_uses(page), *span_uses(page))]


def takes_value(param: Any) -> bool:
    return is_option(param) and not param.is_flag and not param.count


def options_of(command: Any) -> dict[str, Any]:
    """Return every option string `command --help` lists, with its parameter."""
    found: dict[str, Any] = {}
    help_option = command.get_help_option(command.make_context(command.name, [], resilient_parsing=True))
    for param in [*command.params, help_option]:
        if param is not None and is_option(param) and not param.hidden:
            for name in (*param.opts, *param.secondary_opts):
                found[name] = param
    return found


def problems(use: Use) -> list[str]:
    """Return what is wrong with one invocation: an unknown command or option, a stray positional."""
    words = list(use.words)
    command = tree()
    while is_group(command) and words and not words[0].startswith("-"):
        name = words.pop(0)
        sub = command.commands.get(name)
        if sub is None:
            return [f"{use}: no command {name!r} (isstrack has {', '.join(sorted(command.commands))})"]
        command = sub
    if is_group(command) and command is not tree() and not words:
        return [f"{use}: {command.name} needs a subcommand ({', '.join(sorted(command.commands))})"]
    options = options_of(command)
    wrong, positionals = [], 0
    while words:
        word = words.pop(0)
        if word == "--":
            break
        if word.startswith("-") and word != "-" and not re.fullmatch(r"-\d[\d.]*", word):
            name = word.split("=", 1)[0]
            if name not in options:
                wrong.append(f"{use}: {command.name or 'isstrack'} has no option {name}")
            elif takes_value(options[name]) and "=" not in word and words:
                words.pop(0)
        else:
            positionals += 1
    arguments = [p for p in command.params if is_argument(p)]
    allowed = sum(1 if a.nargs > 0 else 10**6 for a in arguments)
    if use.strict and positionals > allowed:
        wrong.append(f"{use}: {positionals} positional word(s), {command.name} takes {allowed}")
    return wrong


def test_the_pages_show_isstrack_commands_at_all() -> None:
    uses = all_uses()
    readme_blocks = [use for use in uses if use.page == "README.md" and use.strict]
    assert len(readme_blocks) >= 12, "the README's examples and ten commands were not found"
    assert len({use.page for use in uses}) >= 8, "most docs pages show a command"


def test_every_command_and_option_in_the_pages_exists() -> None:
    wrong = [problem for use in all_uses() for problem in problems(use)]
    assert not wrong, "\n".join(wrong)


def test_every_option_the_readme_names_exists_in_some_command() -> None:
    """An option named alone in the README's prose (`--max-age`, `--tle-file PATH`) exists somewhere."""
    commands = [tree(), *tree().commands.values()]
    commands += [c for g in commands if is_group(g) for c in g.commands.values()]
    known = {name for command in commands for name in options_of(command)}
    named = re.findall(r"`(--[a-z][\w-]*)", outside_fences(README.read_text(encoding="utf-8")))
    assert named, "the README names options"
    assert sorted(set(named) - known) == []


def test_the_checker_refuses_what_the_issue_found() -> None:
    """The checks bite: a positional place, an option of another command, an unknown command."""
    assert problems(Use("x", ("passes", "Amsterdam"), strict=True))
    assert problems(Use("x", ("now", "--days", "3"), strict=True))
    assert problems(Use("x", ("orbit",), strict=True))
    assert problems(Use("x", ("location",), strict=True))
    assert not problems(Use("x", ("passes", "--city", "Amsterdam", "--max-magnitude", "-2"), strict=True))
    assert not problems(Use("x", ("site", "--places", "p.csv", "public/"), strict=True))
    assert shell_words("next --json | jq .pass") == ("next", "--json")


def test_the_option_lists_are_what_help_prints() -> None:
    """What this test reads from the Typer app is what `isstrack COMMAND --help` shows a user."""
    everywhere = {name for command in tree().commands.values() for name in options_of(command)}
    for name in ("passes", "map", "next"):
        shown = subprocess.run(
            [sys.executable, "-m", "isstrack", name, "--help"],
            capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        mentioned = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", shown.stdout))
        own = {option for option in options_of(tree().commands[name]) if option.startswith("--")}
        assert own <= mentioned, f"{name} --help leaves out {sorted(own - mentioned)}"
        assert mentioned <= everywhere | {"--help"}, f"{name} --help names {sorted(mentioned - everywhere)}"


def slug(heading: str) -> str:
    """Return GitHub's anchor for a Markdown heading."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    prose = outside_fences(page.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", prose, re.M)}


def links(page: Path) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", outside_fences(page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_links_between_the_pages_resolve(page: Path) -> None:
    for target in links(page):
        if re.match(r"^[a-z]+://", target):
            continue  # the outside world is not checked (no network in the tests)
        path, _, anchor = target.partition("#")
        goal = (page.parent / path).resolve() if path else page
        assert goal.is_file(), f"{rel(page)} links to {target}, which does not exist"
        if anchor:
            assert anchor in anchors(goal), f"{rel(page)} links to {target}: no such heading"


def test_the_readme_leads_to_every_docs_page_and_stays_short() -> None:
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in links(README) if t.startswith("docs/")}
    assert {p.resolve() for p in DOCS} <= linked, "a docs/ page the README does not link to"
    lines = README.read_text(encoding="utf-8").count("\n")
    assert 120 <= lines <= 230, f"the README is {lines} lines: a newcomer reads it in five minutes"


def test_the_map_picture_is_a_real_png_of_the_map() -> None:
    from PIL import Image

    assert "](docs/map.png)" in README.read_text(encoding="utf-8")
    data = MAP_PNG.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), "docs/map.png is not a PNG"
    assert 20_000 <= len(data) <= 3_000_000, f"{len(data)} bytes"
    with Image.open(MAP_PNG) as picture:
        picture.verify()
    with Image.open(MAP_PNG) as picture:
        width, height = picture.size
        assert 800 <= width <= 4000 and 400 <= height <= 3000, picture.size
        assert 1.2 < width / height < 2.5, "a world map is about twice as wide as it is tall"
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) >= 16, "a blank or nearly blank picture"
        # The station's red disk (render/palette, #d7263d) is somewhere on the map.
        assert any(r > 180 and g < 80 and b < 90 for _, (r, g, b) in colours), "no station red in it"


def test_the_picture_script_runs_a_real_command() -> None:
    """tools/make_readme_map.py, which makes docs/map.png, asks isstrack for options that exist."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_readme_map", ROOT / "tools" / "make_readme_map.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    words = (*script.ARGS, "--svg", "map.svg")
    assert words[0] == "map" and problems(Use("tools/make_readme_map.py", words, strict=True)) == []
