"""Work done in steps: a generator that pauses (yields None) between its steps and returns its result.

The batch takes a group of parks through one step before the next (advisor.batch.run.process_chunk), so that
a step's code and knowledge stay in the processor's caches; everyone else runs the steps straight through.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")
Steps = Generator[None, None, T]


def finish(steps: Steps[T]) -> T:
    """The result of running every step at once."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
