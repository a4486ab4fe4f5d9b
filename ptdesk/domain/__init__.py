"""Pure-Python clinical logic: plans, scores, units and validation (no Qt, no SQL)."""
