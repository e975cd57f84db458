"""isstrack: where the International Space Station is, and when you can see it.

The library's names (docs/library.md) are imported on first use (PEP 562), so `import isstrack`
stays as cheap as before and the command line, which imports this package first, pays nothing for
them. Their types are in `__init__.pyi`: imports here, even for type checkers only, would make this
package (which the lowest layers import for its version) import the library above them.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

ISS_CATALOG_NUMBER = 25544

# Each public name and the module that holds it: a name imports its own module on first use only,
# so `from isstrack import Pass` does not load the pass engine (and numpy) with it.
_HOMES = {
    "find_passes": "isstrack.api",
    "find_passes_many": "isstrack.api",
    "pass_schema": "isstrack.api",
    "passes_for_batches": "isstrack.api",
    "load_bundled_elements": "isstrack.api",
    "load_elements": "isstrack.api",
    "load_elements_file": "isstrack.api",
    "load_ephemeris_file": "isstrack.api",
    "parse_elements_text": "isstrack.api",
    "station_state": "isstrack.api",
    "station_states": "isstrack.api",
    "ElementSet": "isstrack.elements.tle",
    "ElementsInUse": "isstrack.elements.sources",
    "Observer": "isstrack.sky.orbit",
    "StationState": "isstrack.sky.orbit",
    "Pass": "isstrack.sky.passtypes",
    "PassPoint": "isstrack.sky.passtypes",
    "PassSearch": "isstrack.sky.passtypes",
    "IsstrackError": "isstrack.errors",
    "BadInputError": "isstrack.errors",
    "NoElementsError": "isstrack.errors",
}

__all__ = [
    "ISS_CATALOG_NUMBER",
    "BadInputError",
    "ElementSet",
    "ElementsInUse",
    "IsstrackError",
    "NoElementsError",
    "Observer",
    "Pass",
    "PassPoint",
    "PassSearch",
    "StationState",
    "__version__",
    "find_passes",
    "find_passes_many",
    "load_bundled_elements",
    "load_elements",
    "load_elements_file",
    "load_ephemeris_file",
    "parse_elements_text",
    "pass_schema",
    "passes_for_batches",
    "station_state",
    "station_states",
]


def __getattr__(name: str) -> object:
    """Import a public name from its module on first use and keep it."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'isstrack' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the module's names with the public ones not yet imported."""
    return sorted({*globals(), *_HOMES})
