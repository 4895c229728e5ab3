"""Verbs added by later stages; each module registers its own arguments and handler."""

from __future__ import annotations

import importlib

# Each module has `register(sub, verb, lang)`; `verb(name, func, help)` returns the subparser.
VERB_MODULES = ["advisor.report_cli", "advisor.ask_cli", "advisor.batch_cli", "advisor.serve_cli"]


def register(sub, verb, lang) -> None:
    for name in VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub, verb, lang)
