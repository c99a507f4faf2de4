"""Context.once: what several rules of a run derive alike from one frame is made once."""

import gc

import pandas as pd

from app.detection.base.rule_context import Context, Names


def _context(names: Names) -> Context:
    return Context(rule=None, data=None, names=names, substance_codes=None)  # type: ignore[arg-type]


def _names() -> Names:
    return Names(substance={}, cas={}, table={}, operator={}, tax_id={}, licences_by_tax_key={})


def test_the_same_frame_is_derived_once_for_every_rule_of_the_run():
    names = _names()
    frame = pd.DataFrame({"kg": [1.0, 2.0]})
    calls = []

    def total(f):
        calls.append(1)
        return f["kg"].sum()

    first = _context(names).once("total", frame, total)
    second = _context(names).once("total", frame, total)

    assert first == second == 3.0 and len(calls) == 1


def test_another_frame_or_another_name_or_another_run_is_derived_anew():
    names = _names()
    frame, narrower = pd.DataFrame({"kg": [1.0, 2.0]}), pd.DataFrame({"kg": [1.0]})
    context = _context(names)

    assert context.once("total", frame, lambda f: f["kg"].sum()) == 3.0
    assert context.once("total", narrower, lambda f: f["kg"].sum()) == 1.0
    assert context.once("count", frame, len) == 2
    assert _context(_names()).once("total", frame, lambda f: -1) == -1


def test_a_frame_that_is_gone_is_not_taken_for_a_new_one_at_its_address():
    names = _names()
    context = _context(names)
    context.once("total", pd.DataFrame({"kg": [5.0]}), lambda f: f["kg"].sum())
    gc.collect()
    # Whatever address the new frame gets, the dead frame's entry is not its.
    assert context.once("total", pd.DataFrame({"kg": [7.0]}), lambda f: f["kg"].sum()) == 7.0
