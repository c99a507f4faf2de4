"""Import batches: the original files, who sent them, what was stored and what was rejected."""
