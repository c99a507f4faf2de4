"""Every example of every word file entry, read by the real matching functions."""

from __future__ import annotations

import pytest

import lexicon
from importers import FEEDS
from importers.aliases import match_headers
from importers.codes import CodeTable, MovementTable
from importers.countries import country_code
from importers.words import Example, load_words

EXAMPLES = load_words().examples


def _header_reads(feed: str, header: str) -> str | None:
    match = match_headers([header, "-"], FEEDS[feed].columns, FEEDS[feed].required)
    return next((c for c, p in match.columns.items() if p == 0), None)


def _table(key: str) -> CodeTable:
    return MovementTable(key) if key == "movement" else CodeTable(key)


def _check(example: Example) -> None:
    """Assert that what a person wrote reads as the example says."""
    written = example.written
    if example.kind in ("header", "shared_weak"):
        feeds = [f for f, feed in FEEDS.items() if example.table in feed.columns]
        assert feeds, f"no feed has the column {example.table!r}"
        for feed in feeds:
            assert _header_reads(feed, written) == example.reads_as, feed
    elif example.kind == "unit_header":
        match = match_headers([written, "Sustancia"], FEEDS["declarations"].columns, ())
        assert match.columns.get("quantity") == 0
        assert match.implied.get("unit") == example.reads_as
    elif example.kind == "code":
        assert _table(example.table).code_for(written) == example.reads_as
    elif example.kind == "refused":
        table = _table(example.table)
        assert table.code_for(written) is None
        assert example.reads_as in table.unknown(written)
    else:
        assert example.kind == "country"
        assert country_code(written) == example.reads_as


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.where}: {e.written}" for e in EXAMPLES])
def test_example_reads_as_its_entry_says(example):
    _check(example)


def test_every_feed_lists_the_columns_of_its_row_schema():
    assert {f: set(c) for f, c in load_words().feeds.items()} == {
        name: set(feed.columns) for name, feed in FEEDS.items()}


def test_every_entry_has_examples():
    words = load_words()
    exemplified = {(e.kind, e.table, e.reads_as) for e in words.examples}
    for column in words.headers:
        assert ("header", column, column) in exemplified, column
    for key, table in words.tables.items():
        for code in table.codes:
            assert ("code", key, code) in exemplified, (key, code)
    for unit in words.unit_headers:
        assert ("unit_header", unit, unit) in exemplified, unit
    countries = {e.reads_as for e in words.examples if e.kind == "country"}
    assert set(words.country_by_name.values()) <= countries


@pytest.mark.parametrize(("key", "canonical"), [
    ("movement", lexicon.MOVEMENTS), ("unit", lexicon.UNITS), ("activity", lexicon.ACTIVITIES),
])
def test_the_coded_words_read_as_the_lexicon_codes(key, canonical):
    # The words people write (importers/words/codes.yaml) name the domain's codes, which
    # lexicon defines once: a code added to one and not the other would be read but not
    # understood, or understood but never read.
    assert set(load_words().tables[key].codes) == set(canonical)
