"""Storage machinery every storer builds on: bulk writing, binary COPY, the keyed storer."""
