"""National legitimate-need baselines per substance and year."""
