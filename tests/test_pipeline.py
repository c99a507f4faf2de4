"""The pipeline's tables: a storer for every feed intake knows, the feeds in order."""

from __future__ import annotations

import pytest

from app.intake.models import FEEDS
from app.pipeline import FEED_ORDER, STORERS, storer_for


def test_every_feed_has_a_storer_and_a_place_in_the_order():
    assert set(STORERS) == set(FEEDS) == set(FEED_ORDER)
    assert FEED_ORDER.index("registry") < FEED_ORDER.index("declarations")
    for feed in FEEDS:
        assert storer_for(feed) is STORERS[feed]


def test_an_unknown_feed_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown feed 'stock'; expected one of registry"):
        storer_for("stock")
