"""The house rules of the code, read from its import graph with `ast` (docs/architecture.md, "Architecture").

1. No import circles, function-level imports included.
2. Nothing outside `isstrack/render` and `isstrack/cli` imports them (and render never imports cli);
   more generally, imports go down the layers: io/errors < elements < sky < place < batch, alerts,
   scene < api < render < cli.
3. Imports of isstrack's own modules sit at the top of their file (`if TYPE_CHECKING:` counts), except
   the pairs in LAZY: each kept inside a function so that starting `isstrack` (every command imports
   every command module) does not load what most runs never use.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "isstrack"

# (importer, imported): why the import waits inside a function.
LAZY: dict[tuple[str, str], str] = {
    ("isstrack.sky.passes", "isstrack.sky.engine"): (
        "commands read DEFAULT_STD_MAGNITUDE from sky.passes at start-up; the engine loads numpy"
    ),
    ("isstrack.sky.tonight", "isstrack.sky.engine"): "`map` reads MAX_HOURS here; only --tonight searches",
    ("isstrack.scene.snapshot", "isstrack.sky.nextpass"): "`now` without a place searches no pass",
    ("isstrack.scene.mapscene", "isstrack.sky.nextpass"): "`map` without a place searches no pass",
    ("isstrack.cli.commands.now", "isstrack.sky.nextpass"): "`now` without a place searches no pass",
    ("isstrack.cli.commands.now", "isstrack.scene.snapshot"): "other commands start without the gazetteer",
    ("isstrack.cli.commands.now", "isstrack.render.text"): "`now --json` starts without the panels",
    ("isstrack.cli.commands.now", "isstrack.render.watch"): "only --watch loads the redraw loop",
    ("isstrack.cli.commands.map", "isstrack.scene.snapshot"): "only `map --watch` takes `now` snapshots",
    ("isstrack.cli.commands.map", "isstrack.render.scenejson"): "`map` loads its JSON shaping when it runs",
    ("isstrack.cli.commands.map", "isstrack.render.watch"): "only `map --watch` loads the redraw loop",
    ("isstrack.cli.commands.map", "isstrack.render.mapstatus"): "only `map --watch` draws the live map",
    ("isstrack.cli.commands.map", "isstrack.scene.live"): "only `map --watch` keeps a live scene",
    ("isstrack.cli.commands.passes", "isstrack.render.feeds"): "only --rss/--atom write feeds (8 ms to load)",
    ("isstrack.cli.commands.site", "isstrack.batch.placefile"): "only `site` reads a places file (here)",
    ("isstrack.cli.commands.site", "isstrack.render.site"): (
        "only `site` loads the site builder (the many-place engine, pages, calendars, feeds)"
    ),
    ("isstrack.cli.commands.mqtt", "isstrack.mqtt.state"): "only `mqtt` searches passes to publish",
    ("isstrack.cli.commands.mqtt", "isstrack.mqtt.homeassistant"): "only `mqtt` publishes (5 ms at start-up)",
    ("isstrack.cli.commands.mqtt", "isstrack.mqtt.publisher"): "only `mqtt` publishes (5 ms at start-up)",
    ("isstrack.cli.commands.alert", "isstrack.alerts.email"): "only `alert --email` loads smtplib and email",
    ("isstrack.cli.commands.alert", "isstrack.alerts.workflow"): (
        "only `alert` loads the alert run (pass search, record, deliveries)"
    ),
    # Every command module loads when any command starts: what one command (or one of its options)
    # needs loads when it runs.
    ("isstrack.cli.commands.common", "isstrack.sky.engine"): "only commands that search read its margin",
    ("isstrack.cli.commands.map", "isstrack.render.worldmap"): "`map` loads its renderer when it runs",
    ("isstrack.cli.commands.map", "isstrack.scene.mapscene"): "`map` loads its scene when it runs",
    ("isstrack.cli.commands.map", "isstrack.io.outfile"): "only --svg writes a file",
    ("isstrack.cli.commands.map", "isstrack.sky.nextpass"): "`map` without a place searches no pass",
    ("isstrack.cli.commands.map", "isstrack.sky.tonight"): "`map` loads --tonight's limits when it runs",
    ("isstrack.cli.commands.map", "isstrack.render.graphics"): "only a terminal is asked about pictures",
    ("isstrack.cli.commands.map", "isstrack.render.mapgraphics"): "only --png and pictures draw the raster",
    ("isstrack.cli.commands.map", "isstrack.render.palette"): "`map` loads its colours when it draws",
    ("isstrack.cli.commands.next", "isstrack.sky.nextpass"): "`next` loads the pass search when it runs",
    ("isstrack.cli.commands.next", "isstrack.render.text"): "`next --json` starts without the panels",
    ("isstrack.cli.commands.next", "isstrack.render.skychart"): "only --chart draws a sky chart",
    ("isstrack.cli.commands.next", "isstrack.sky.skypath"): "only --chart draws a sky chart",
    ("isstrack.cli.commands.passes", "isstrack.sky.nextpass"): "`passes` loads the pass filter when it runs",
    ("isstrack.cli.commands.passes", "isstrack.io.outfile"): "only --ics writes a file",
    ("isstrack.cli.commands.passes", "isstrack.render.tabular"): "only --csv writes CSV",
    ("isstrack.cli.commands.passes", "isstrack.render.calendar"): "only --ics writes a calendar",
    ("isstrack.cli.commands.passes", "isstrack.render.passtable"): "`passes --json` starts without the table",
    ("isstrack.cli.commands.passes", "isstrack.render.skychart"): "only --chart draws a sky chart",
    ("isstrack.cli.commands.passes", "isstrack.sky.skypath"): "only --chart draws a sky chart",
    ("isstrack.cli.commands.places", "isstrack.batch.placefile"): "only --places reads a places file",
    ("isstrack.cli.commands.places", "isstrack.batch.runner"): "only --places runs the many-place search",
    ("isstrack.cli.commands.places", "isstrack.render.multi"): "only --places writes many-place output",
    ("isstrack.cli.commands.places", "isstrack.batch.cluster"): "only --scheduler loads Dask",
    ("isstrack.cli.commands.places", "isstrack.batch.scheduler"): "only --places looks for a Dask scheduler",
    ("isstrack.cli.commands.places", "isstrack.batch.columnar"): "only --places reads Parquet and Arrow",
    ("isstrack.cli.commands.places", "isstrack.batch.arrowpasses"): "only --out builds Arrow pass rows",
    ("isstrack.cli.commands.places", "isstrack.batch.columnrun"): "only --out runs the columnar search",
    ("isstrack.cli.commands.places", "isstrack.batch.passout"): "only --out writes a pass file",
    ("isstrack.cli.commands.places", "isstrack.io.outfile"): "only --out writes a file",
    ("isstrack.cli.commands.tle", "isstrack.render.text"): "`tle --json` starts without the panels",
    ("isstrack.cli.commands.tle", "isstrack.elements.importing"): "only `tle --import` caches a file",
    ("isstrack.cli.commands.transits", "isstrack.sky.transits"): "`transits` loads its search when it runs",
    ("isstrack.cli.commands.transits", "isstrack.render.transits"): "`transits` loads its table when it runs",
    ("isstrack.place.location", "isstrack.place.gazetteer"): "coordinates need no gazetteer",
    ("isstrack.sky.orbit", "isstrack.sky.provider"): "the library's types (StationState) load no numpy",
    ("isstrack.sky.engine", "isstrack.sky.kernel"): "only the many-place search loads numba (0.2 s)",
    ("isstrack.sky.passarrays", "isstrack.sky.kernel"): "only the many-place search loads numba (0.2 s)",
    ("isstrack.sky.seen", "isstrack.sky.kernel"): "only the many-place search loads numba (0.2 s)",
    ("isstrack.cli.commands.common", "isstrack.elements.oemfile"): "only --ephemeris reads an OEM file",
    ("isstrack.elements.oemstore", "isstrack.elements.oem"): "the OEM parser loads for a trajectory",
    ("isstrack.sky.source", "isstrack.sky.oemephemeris"): "interpolation loads for a trajectory",
    ("isstrack.sky.source", "isstrack.sky.provider"): "the blended provider loads only with a trajectory",
    ("isstrack.render.text", "isstrack.sky.nextpass"): "`now`'s panel is drawn without the pass search",
    ("isstrack.elements.tle", "isstrack.elements.omm"): "two-line elements never load the OMM reader",
    ("isstrack.cli.commands.satellite", "isstrack.elements.anysat"): (
        "only --sat loads the OMM reader and the per-query stores; the ISS keeps its own path"
    ),
    ("isstrack.cli.commands.passes", "isstrack.cli.commands.manysats"): "only several --sat merge passes",
    ("isstrack.cli.commands.tonight", "isstrack.elements.anysat"): "only `tonight` reads the groups",
    ("isstrack.cli.commands.tonight", "isstrack.sky.fleet"): "only `tonight` runs the fleet search",
    ("isstrack.cli.commands.tonight", "isstrack.render.tonight"): "only `tonight` draws its table",
    ("isstrack.cli.commands.tonight", "isstrack.render.fleetchart"): "only `tonight --chart` draws one",
}

# The layers from the bottom up: a module imports only from its own layer or those below it.
LAYERS = (
    ("isstrack", "isstrack.errors", "isstrack.io"),
    ("isstrack.elements",),
    ("isstrack.sky",),
    ("isstrack.place",),
    ("isstrack.batch", "isstrack.alerts", "isstrack.scene", "isstrack.mqtt"),
    ("isstrack.api",),  # the library: everything that computes, nothing that draws
    ("isstrack.render",),
    ("isstrack.cli",),
    ("isstrack.__main__",),
)

# Modules outside render/ and cli/ allowed to import them, and why.
ENTRY_POINTS = {"isstrack.__main__": "`python -m isstrack` runs the CLI"}


@dataclass(frozen=True)
class Edge:
    """One import of an isstrack module by another, where it is written and whether at top level."""

    importer: str
    imported: str
    line: int
    top_level: bool

    def __str__(self) -> str:
        return f"{self.importer} -> {self.imported} (line {self.line})"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith("TYPE_CHECKING")


def _top_level_imports(tree: ast.Module) -> set[int]:
    """Return the ids of the import statements at module level (also under `if TYPE_CHECKING:`)."""
    top: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top.add(id(node))
        elif isinstance(node, ast.If) and _is_type_checking(node):
            top.update(id(n) for n in node.body if isinstance(n, ast.Import | ast.ImportFrom))
    return top


def _targets(node: ast.Import | ast.ImportFrom, importer: str, modules: set[str], package: bool) -> list[str]:
    """Return the isstrack modules an import statement names (a submodule counts as itself)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = importer.split(".")[: len(importer.split(".")) - node.level + package]
        base = ".".join([*anchor, *([base] if base else [])])
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def imports_in(source: str, importer: str, modules: set[str], package: bool = False) -> list[Edge]:
    """Return the imports of isstrack modules in one file's source, at every depth."""
    tree = ast.parse(source)
    top = _top_level_imports(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for imported in _targets(node, importer, modules, package):
                if imported.split(".")[0] == PACKAGE.name and imported != importer:
                    found.append(Edge(importer, imported, node.lineno, id(node) in top))
    return found


@cache
def edges() -> tuple[Edge, ...]:
    """Return every import of an isstrack module by another, sorted by importer and line."""
    files = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    found = []
    for importer, path in files.items():
        source = path.read_text(encoding="utf-8")
        found += imports_in(source, importer, set(files), package=path.name == "__init__.py")
    return tuple(sorted(set(found), key=lambda e: (e.importer, e.line, e.imported)))


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_the_reader_sees_imports_at_every_depth() -> None:
    # The rules below mean nothing if the reader misses imports: it must see each of these forms.
    source = """
from typing import TYPE_CHECKING
import isstrack.sky.engine
from isstrack.sky import passes
from isstrack.sky.orbit import Orbit
from . import track
if TYPE_CHECKING:
    from isstrack.scene.snapshot import Snapshot
def f():
    from isstrack.render.text import now_panel
class C:
    def m(self):
        import isstrack.cli.app
"""
    modules = {"isstrack.sky.engine", "isstrack.sky.passes", "isstrack.sky.orbit", "isstrack.sky.track"}
    seen = [(e.imported, e.top_level) for e in imports_in(source, "isstrack.sky.demo", modules)]
    assert seen == [
        ("isstrack.sky.engine", True),
        ("isstrack.sky.passes", True),  # a submodule imported from its package counts as itself
        ("isstrack.sky.orbit", True),
        ("isstrack.sky.track", True),  # relative
        ("isstrack.scene.snapshot", True),  # for types only: still at the top, still an edge
        ("isstrack.render.text", False),
        ("isstrack.cli.app", False),
    ]
    assert ("isstrack.__main__", "isstrack.cli.app", True) in {
        (e.importer, e.imported, e.top_level) for e in edges()
    }


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = {}
    for edge in edges():
        graph.setdefault(edge.importer, set()).add(edge.imported)
    circles = _circles(graph)
    shown = []
    for members in circles:
        inside = [str(e) for e in edges() if e.importer in members and e.imported in members]
        shown.append(" <-> ".join(members) + ":\n    " + "\n    ".join(inside))
    assert not circles, "import circles:\n  " + "\n  ".join(shown)


def test_only_render_and_cli_import_render_and_cli() -> None:
    allowed = {"isstrack.render": {"isstrack.render", "isstrack.cli"}, "isstrack.cli": {"isstrack.cli"}}
    wrong = [
        str(e)
        for e in edges()
        if _layer(e.imported) in allowed
        and _layer(e.importer) not in allowed[_layer(e.imported)]
        and e.importer not in ENTRY_POINTS
    ]
    assert not wrong, "imports against the layers:\n  " + "\n  ".join(wrong)


def test_imports_go_down_the_layers() -> None:
    rank = {package: level for level, packages in enumerate(LAYERS) for package in packages}
    placed = {_layer(e.importer) for e in edges()} | {_layer(e.imported) for e in edges()}
    assert placed <= set(rank), f"in no layer (add them to LAYERS): {sorted(placed - set(rank))}"
    siblings = set(LAYERS[4])  # batch, alerts, scene and mqtt stand side by side: none imports another

    def allowed(edge: Edge) -> bool:
        importer, imported = _layer(edge.importer), _layer(edge.imported)
        if importer in siblings and imported in siblings:
            return importer == imported
        return rank[imported] <= rank[importer]

    wrong = [str(e) for e in edges() if not allowed(e)]
    assert not wrong, "imports up the layers:\n  " + "\n  ".join(wrong)


def test_own_imports_sit_at_the_top_except_the_lazy_list() -> None:
    inside = [e for e in edges() if not e.top_level]
    wrong = [str(e) for e in inside if (e.importer, e.imported) not in LAZY]
    assert not wrong, f"{len(wrong)} imports inside functions, not in LAZY:\n  " + "\n  ".join(wrong)
    stale = sorted(set(LAZY) - {(e.importer, e.imported) for e in inside})
    assert not stale, f"LAZY lists imports no longer made inside a function: {stale}"
    assert all(reason.strip() for reason in LAZY.values())
