"""Status analysis (guideline ch. 5 and 6): energy, materials, carbon, pollutants, fused inventory, decoupling.

Plain Python, pure functions (`calc_*`), no pandas: the DataFrame views of a result are in advisor.api.
"""

from advisor.accounting.analyze import analyze_profile

__all__ = ["analyze_profile"]
