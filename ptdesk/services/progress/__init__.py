"""Progress between visits: series, change lines, findings, strength symmetry and the report."""
