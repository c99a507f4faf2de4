"""Columns as integer codes and their distinct values: convert each value once, spread back.

Most columns of a declaration file repeat a few values (codes, licences, dates, batch), and
the reader process sends its repetitive columns as Categoricals: converting the distinct
values for storage and spreading them back over the rows by code is several times faster
than converting every cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_codes(column: pd.Series) -> tuple[np.ndarray, list]:
    """Codes (-1: missing) and distinct values of a column, a Categorical's own if it is one."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), list(column.cat.categories)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, list(uniques)


def by_code(codes: np.ndarray, values, *, missing) -> np.ndarray:
    """Spread distinct values back over the rows by their codes; code -1 gives `missing`.

    An object array built element by element, so tuple values stay tuples.
    """
    lookup = np.fromiter([*values, missing], dtype=object, count=len(values) + 1)
    return lookup[codes]
