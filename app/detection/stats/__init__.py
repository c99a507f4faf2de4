"""Statistical detectors: kinds of rule that compare an operator with its history and peers.

Pure functions over data frames (pandas, numpy, scipy). The kinds are registered in the
rules vocabulary, which imports them; loading the rules package first keeps that order
whichever module a caller imports first.
"""

import app.detection.rules  # noqa: F401
