"""Run the command line interface as ``python -m isstrack``."""

from isstrack.cli.app import main

main()
