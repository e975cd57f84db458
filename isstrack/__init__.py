"""isstrack: where the International Space Station is, and when you can see it."""

__version__ = "0.1.0"

ISS_CATALOG_NUMBER = 25544
