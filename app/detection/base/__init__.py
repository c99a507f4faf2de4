"""What every kind of detector is built from: its declaration (Kind, Param), the context a
rule is evaluated in, the helpers the kinds share and the summary sentences. Imports no kind.
"""
