"""The patient chart: the ChartTab contract, its registry, the edit lifecycle and one folder per tab."""
