"""park-advisor: pollution and carbon co-control advice for Chinese industrial parks.

Follows the China Circular Economy Association guideline 《产业园区减污降碳协同控制指南》.
"""

__version__ = "0.1.0"
