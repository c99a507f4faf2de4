"""Matching keys derived from identifiers as written."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lexicon.text import identifier_key


def tax_id_keys(tax_ids: np.ndarray) -> np.ndarray:
    """Reduce tax ids to uppercase letters and digits (`20.100.070-9` -> `201000709`)."""
    at, uniques = pd.factorize(tax_ids)
    keys = np.array([identifier_key(u) or None for u in uniques] + [None], dtype=object)
    return keys[at]
