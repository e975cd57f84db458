# The types of the package's names, for type checkers: the package imports them lazily (PEP 562).
# tests/test_api.py checks that these imports and __init__.py's _HOMES and __all__ agree.

from isstrack.api import find_passes as find_passes
from isstrack.api import find_passes_many as find_passes_many
from isstrack.api import load_bundled_elements as load_bundled_elements
from isstrack.api import load_elements as load_elements
from isstrack.api import load_elements_file as load_elements_file
from isstrack.api import load_ephemeris_file as load_ephemeris_file
from isstrack.api import parse_elements_text as parse_elements_text
from isstrack.api import pass_schema as pass_schema
from isstrack.api import passes_for_batches as passes_for_batches
from isstrack.api import station_state as station_state
from isstrack.api import station_states as station_states
from isstrack.elements.sources import ElementsInUse as ElementsInUse
from isstrack.elements.tle import ElementSet as ElementSet
from isstrack.errors import BadInputError as BadInputError
from isstrack.errors import IsstrackError as IsstrackError
from isstrack.errors import NoElementsError as NoElementsError
from isstrack.sky.orbit import Observer as Observer
from isstrack.sky.orbit import StationState as StationState
from isstrack.sky.passtypes import Pass as Pass
from isstrack.sky.passtypes import PassPoint as PassPoint
from isstrack.sky.passtypes import PassSearch as PassSearch

__version__: str
ISS_CATALOG_NUMBER: int
__all__: list[str]

def __dir__() -> list[str]: ...
