"""Evaluation and the next cycle (guideline 4.3): a park's cycles compared – changes under one factor set,
decoupling between cycles, co-control indicators against the park's targets, tracked measures, and the next
cycle's advice beside the last one. Sits above decide (it reads the advice of each cycle), below render."""

from advisor.evaluate.evaluation import evaluate_cycles

__all__ = ["evaluate_cycles"]
