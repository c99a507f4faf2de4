"""The kinds of rule: one module per kind (or small family of kinds)."""
