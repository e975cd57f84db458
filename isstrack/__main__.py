"""Run the command line interface as ``python -m isstrack``."""

from isstrack.cli import main

main()
