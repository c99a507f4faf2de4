"""Rows written with habits stay valid per the spec: intake refuses only planted bad rows.

Substance names in the forms people write (`MEK (metil etil cetona)`, `Thinner (tolueno)`,
`Ácido sulfúrico 98% grado técnico`...) are read, each with a warning saying what it was
read as.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.catalogue.loader import load_catalogue
from app.pipeline import licence_infos
from demo.bookkeeping.substances import all_forms
from importers import ReadContext, read_file

LICENCE_FIELDS = ("licence_no", "tax_id", "substance_code", "valid_from", "valid_to")


@pytest.mark.parametrize("level", ["usual", "heavy"])
def test_intake_refuses_only_the_planted_bad_rows(habit_countries, level):
    country = habit_countries[level]
    planted = country.expectations()
    catalogue = load_catalogue()
    plain = ReadContext(catalogue=catalogue, home_country=planted["home_country"])
    registry = read_file("registry", country.registry[0], filename="registry.csv", context=plain)
    assert registry.errors == []
    checked = ReadContext(catalogue=catalogue, home_country=planted["home_country"],
                          known_licences=licence_infos(registry.records[list(LICENCE_FIELDS)]
                                                       .itertuples(index=False, name=None)))
    bad = {(b["file"], b["row"]) for b in planted["bad_rows"]}
    forms = set(all_forms())
    refused, read_as = set(), set()
    for path in country.declarations:
        result = read_file("declarations", path, filename=path.name, context=checked)
        name = str(path.relative_to(country.out_dir))
        for error in result.errors:
            if (name, error.row) in bad:
                refused.add((name, error.row))
                continue
            raise AssertionError(f"{name}: a good row refused: {error}")
        read_as |= {form for form in forms if any(form in w for w in result.warnings)}
    assert refused == bad
    # The forms were written, and read with a warning that names them.
    assert read_as
    for path in country.customs:
        assert read_file("customs", path, filename=path.name, context=plain).errors == []
    for feed, paths in (("baselines", country.baselines),
                        ("export_notifications", country.export_notifications)):
        for path in paths:
            assert read_file(feed, Path(path), filename=path.name, context=checked).errors == []
