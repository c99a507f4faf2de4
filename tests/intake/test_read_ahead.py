"""read_ahead: same items in order, errors raised in the consumer, the thread always ends."""

from __future__ import annotations

import threading

import pytest

from app.intake.read_ahead import read_ahead


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name == "intake-read-ahead"}


def test_items_come_through_in_order():
    assert list(read_ahead(iter(range(50)))) == list(range(50))
    assert _threads() == set()


def test_an_error_of_the_reader_is_raised_to_the_consumer_after_the_good_items():
    def chunks():
        yield 1
        yield 2
        raise ValueError("broken at line 30")

    seen = []
    with pytest.raises(ValueError, match="line 30"):
        for item in read_ahead(chunks()):
            seen.append(item)
    assert seen == [1, 2]
    assert _threads() == set()


def test_a_consumer_that_stops_early_ends_the_reader_and_closes_the_source():
    closed = threading.Event()

    def chunks():
        try:
            yield from range(10_000)
        finally:
            closed.set()

    items = read_ahead(chunks())
    assert next(items) == 0
    items.close()
    assert closed.is_set()
    assert _threads() == set()
