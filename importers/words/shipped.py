"""Importing this module reads the shipped words, for a parent that forks readers.

The intake's forkserver preloads it, so a reader process started for a large file finds the
words read already; nothing else imports it (importing `importers` reads no file).
"""

from importers.words import use_folder

WORDS = use_folder(None)
