"""The command line: every verb of `park-advisor`, and the only place that prints."""

from advisor.cli.entry import main

__all__ = ["main"]
