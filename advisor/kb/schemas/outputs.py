"""Building blocks of the result models (advisor.results, advisor.evaluate.output): a figure that may be unknown,
the decoupling states as knowledge/decoupling.yaml names them, and the two kinds of block."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Number = float | None               # a figure; null where its inputs are missing (never 0 for unknown)
Tapio = Literal["strong_decoupling", "weak_decoupling", "expansive_coupling", "expansive_negative_decoupling",
                "strong_negative_decoupling", "weak_negative_decoupling", "recessive_coupling",
                "recessive_decoupling"]
Trend = Literal["absolute", "relative", "none", "shrinking", "indeterminate"]
Synergy = Literal["synergistic_absolute", "synergistic_relative", "pollution_only", "carbon_only", "coupled",
                  "indeterminate"]


class Block(BaseModel):
    """A part of a result: the listed keys are always there; more may follow."""

    model_config = ConfigDict(extra="allow")


class Closed(BaseModel):
    """The top of a result: exactly these keys."""

    model_config = ConfigDict(extra="forbid")
