"""Matching two records of the same goods: by document, within a lag window, in tolerance."""

import pandas as pd

from app.detection.matching import Window, reconcile


def _side(*rows):
    """Return one side: (date, kg, document key) rows of one group 'g'."""
    return pd.DataFrame({
        "g": "g", "date": pd.to_datetime([r[0] for r in rows]),
        "qty": [float(r[1]) for r in rows], "doc_key": [r[2] if len(r) > 2 else "" for r in rows],
    })


WINDOW = Window(before_days=3, after_days=15, tolerance_pct=5.0)


def test_records_with_the_same_document_match_whatever_their_dates():
    a, b = reconcile(_side(("2025-03-01", 500, "77")), _side(("2025-04-10", 500, "77")),
                     group=["g"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0] and b["unmatched_kg"].tolist() == [0.0]
    assert a["match_how"].tolist() == ["document"]
    assert a["lag_days"].tolist() == [40]


def test_a_later_record_within_the_window_matches_across_the_month_end():
    a, b = reconcile(_side(("2025-03-27", 500)), _side(("2025-04-03", 500)), group=["g"],
                     window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0]
    assert (a["match_how"].tolist(), a["lag_days"].tolist()) == (["window"], [7])


def test_records_outside_the_window_stay_unmatched():
    # B may come at most 3 days before A and 15 after (or in the same month).
    a, b = reconcile(_side(("2025-03-10", 500), ("2025-05-25", 300)),
                     _side(("2025-02-25", 500), ("2025-06-20", 300)), group=["g"],
                     window=WINDOW)

    assert a["unmatched_kg"].tolist() == [500.0, 300.0]
    assert b["unmatched_kg"].tolist() == [500.0, 300.0]


def test_one_record_is_matched_by_several_and_earliest_first():
    a, b = reconcile(_side(("2025-03-01", 1000), ("2025-03-20", 400)),
                     _side(("2025-03-02", 600), ("2025-03-10", 400), ("2025-03-21", 400)),
                     group=["g"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0, 0.0]
    assert b["unmatched_kg"].tolist() == [0.0, 0.0, 0.0]


def test_a_small_remainder_is_forgiven_and_a_large_one_is_not():
    a, b = reconcile(_side(("2025-03-01", 1000), ("2025-04-01", 1000)),
                     _side(("2025-03-01", 970), ("2025-04-01", 800)), group=["g"],
                     window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0, 200.0]
    assert a["match_how"].tolist() == ["window", "window"]


def test_groups_never_match_each_other():
    left = _side(("2025-03-01", 500)).assign(g="x")
    right = _side(("2025-03-01", 500)).assign(g="y")

    a, b = reconcile(left, right, group=["g"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [500.0] and b["unmatched_kg"].tolist() == [500.0]


def test_a_record_listing_two_documents_matches_both_records_together():
    a, b = reconcile(_side(("2025-04-04", 500, "35054"), ("2025-04-29", 500, "35110")),
                     _side(("2025-04-29", 1010, "35054+35110")), group=["g"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0, 0.0]
    assert b["unmatched_kg"].tolist() == [0.0]
    assert a["match_how"].tolist() == ["document", "document"]


def test_a_months_lines_declared_as_one_total_match_within_the_month():
    a, b = reconcile(_side(("2025-03-02", 300), ("2025-03-09", 300), ("2025-03-12", 400)),
                     _side(("2025-03-31", 1000)), group=["g"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0, 0.0, 0.0]
    assert b["unmatched_kg"].tolist() == [0.0]
    assert "period" in a["match_how"].tolist()


def test_a_group_of_several_columns_matches_only_the_same_tuple():
    # ('x', 'y') and ('xy', '') or ('y', 'x') must not meet when columns are coded together.
    left = pd.concat([_side(("2025-03-01", 500)).assign(g="x", h="y"),
                      _side(("2025-03-01", 200)).assign(g="xy", h="")], ignore_index=True)
    right = pd.concat([_side(("2025-03-02", 500)).assign(g="y", h="x"),
                       _side(("2025-03-02", 500)).assign(g="x", h="y")], ignore_index=True)

    a, b = reconcile(left, right, group=["g", "h"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [0.0, 200.0]
    assert b["unmatched_kg"].tolist() == [500.0, 0.0]


def test_a_record_with_a_missing_group_value_matches_nothing():
    left = _side(("2025-03-01", 500, "9"), ("2025-03-05", 300)).assign(g=None)
    right = _side(("2025-03-01", 500, "9"), ("2025-03-05", 300)).assign(g=None)

    a, b = reconcile(left, right, group=["g"], window=WINDOW)

    assert a["unmatched_kg"].tolist() == [500.0, 300.0]
    assert a["match_how"].tolist() == ["", ""]
