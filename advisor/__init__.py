"""park-advisor: pollution and carbon co-control advice for Chinese industrial parks.

Follows the China Circular Economy Association guideline 《产业园区减污降碳协同控制指南》.

The Python API (see advisor.api and docs/api.md):

    >>> import advisor as pa
    >>> park = pa.load_profile(pa.examples_dir() / "demo-chemical.yaml")
    >>> pa.analyze(park).carbon_by_process.loc[0, "process"]
    'chp-1'

Its names are loaded on first use, so that `import advisor` (and the command line's --help) stays
cheap: pandas and the rule engine are imported only when a result needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_profile", "analyze", "recommend", "explain", "whatif", "screen", "examples_dir",
           "evaluate_cycles", "Analysis", "Advice", "Evaluation", "Explanation", "WhatIf", "Screening"]
_API = frozenset(__all__) - {"__version__"}

if TYPE_CHECKING:
    from advisor.api import (
        Advice,
        Analysis,
        Evaluation,
        Explanation,
        Screening,
        WhatIf,
        analyze,
        evaluate_cycles,
        examples_dir,
        explain,
        load_profile,
        recommend,
        screen,
        whatif,
    )


def __getattr__(name: str) -> Any:
    if name in _API:
        from advisor import api

        return getattr(api, name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
