"""Status analysis (guideline ch. 5 and 6): energy, materials, carbon, pollutants, fused inventory, decoupling.

Plain Python, pure functions (`calc_*`); pandas only in advisor.accounting.frames, imported lazily.
"""

from advisor.accounting.analyze import analyze_profile

__all__ = ["analyze_profile"]
