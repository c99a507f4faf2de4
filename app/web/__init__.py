"""The web UI's shared pages (home) and layout."""
