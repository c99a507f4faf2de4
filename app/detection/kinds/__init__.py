"""The kinds of detector, written-rule and statistical alike: one module per kind, named as
its kind and its rule file (rules/<kind>.yaml); heuristics holds the sar_max6 and sar_avg12 pair.
"""
