"""The statistical machinery of the statistical kinds: panels of monthly figures, peer
groups and seasonality, significance with false-discovery control. Pure (pandas, numpy, scipy).
"""
