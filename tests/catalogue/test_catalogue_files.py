"""National extension files, and the clear errors a bad catalogue file gives."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from app.catalogue import (
    SHIPPED_FILE,
    CatalogueError,
    UnknownSubstance,
    build_catalogue,
    load_catalogue,
)

NATIONAL = """\
substances:
  - code: sodium-permanganate-pe
    cas: 10101-50-5
    table: national
    hs_codes: ['2841.69.00.10']
    names: {es: permanganato de sodio}
    synonyms:
      es: [permanganato sódico]
    density_kg_per_l: 1.97
  - code: toluene
    synonyms:
      es: [toluol industrial, solvente T-100]
    hs_codes: ['2902.30.00.10']
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def without_look_alike(name: str) -> str:
    """Return the shipped file without one look-alike, so a national file may claim it."""
    text = SHIPPED_FILE.read_text(encoding="utf-8")
    block = "  - cas: 10101-50-5\n    names: {en: sodium permanganate, es: permanganato de sodio," \
            " pt: permanganato de sódio}\n"
    assert block in text, name
    return text.replace(block, "")


@pytest.fixture
def national_folder(tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    write(folder, "peru.yaml", NATIONAL)
    write(folder, "shipped.yaml", without_look_alike("sodium permanganate"))
    return folder


def test_national_file_adds_a_substance_and_synonyms(national_folder):
    shipped_copy = national_folder / "shipped.yaml"
    catalogue = build_catalogue([shipped_copy, national_folder / "peru.yaml"])
    assert len(catalogue) == 29
    added = catalogue.resolve("Permanganato sódico")
    assert added.substance.code == "sodium-permanganate-pe"
    assert added.substance.table == "national"
    assert added.substance.names == {"en": "permanganato de sodio", "es": "permanganato de sodio",
                                     "pt": "permanganato de sodio"}
    assert catalogue.resolve("10101-50-5").substance == added.substance
    assert catalogue.resolve("SOLVENTE T-100").substance.code == "toluene"
    assert catalogue.resolve("toluol industrial").substance.code == "toluene"
    assert catalogue.get("toluene").hs_codes == ("2902.30", "2902.30.00.10")
    assert catalogue.substance_for_hs("2841.69.00.10") == added.substance
    assert catalogue.substance_for_hs("2841.69.00.90") is None
    assert [s.code for s in catalogue.mentions("SOLVENTE T-100 X 200 L")] == ["toluene"]
    assert added.substance.density_for(100) == pytest.approx(1.97)


def test_load_catalogue_takes_files_and_folders(tmp_path):
    national = write(tmp_path, "extra.yaml", """\
        substances:
          - code: acetone
            synonyms: {es: [quitaesmalte industrial]}
        """)
    from_file = load_catalogue([national])
    assert from_file.resolve("quitaesmalte industrial").substance.code == "acetone"
    assert from_file is not load_catalogue()
    with pytest.raises(UnknownSubstance):
        load_catalogue().resolve("quitaesmalte industrial")
    assert load_catalogue([tmp_path]).resolve("quitaesmalte industrial").substance.code == (
        "acetone")


def test_empty_national_file_changes_nothing(tmp_path):
    assert len(load_catalogue([write(tmp_path, "empty.yaml", "")])) == 28


GOOD_ENTRY = """\
substances:
  - code: gamma-butyrolactone
    cas: 96-48-0
    table: national
    hs_codes: ['2932.20']
    names: {en: gamma-butyrolactone, es: gamma-butirolactona}
"""


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        (GOOD_ENTRY.replace("96-48-0", "96-48-1"), ["gamma-butyrolactone", "check digit"]),
        (GOOD_ENTRY.replace("96-48-0", "96480"), ["not a CAS number"]),
        (GOOD_ENTRY.replace("'2932.20'", "'29322'"), ["bad HS code '29322'"]),
        (GOOD_ENTRY.replace("'2932.20'", "'9932.20'"), ["bad HS code"]),
        (GOOD_ENTRY.replace("national", "III"), ["unknown table 'III'"]),
        (GOOD_ENTRY.replace("gamma-butyrolactone\n", "Gamma Butyrolactone\n", 1),
         ["bad code slug"]),
        (GOOD_ENTRY.replace("96-48-0", "67-64-1"), ["duplicate CAS 67-64-1", "acetone"]),
        (GOOD_ENTRY.replace("code: gamma-butyrolactone", "code: acetone"),
         ["duplicate code 'acetone'"]),
        (GOOD_ENTRY.replace("es: gamma-butirolactona", "es: acetona"),
         ["'acetona' would name both", "acetone"]),
        (GOOD_ENTRY + "    synonyms: {es: [Ácido Acético]}\n",
         ["'Ácido Acético' would name both", "acetic acid"]),
        (GOOD_ENTRY + "    colour: clear\n", ["colour", "Unknown field"]),
        (GOOD_ENTRY + "    density_kg_per_l: 0\n", ["density_kg_per_l"]),
        (GOOD_ENTRY + "    solution_densities: {10: 1.05}\n", ["at least two"]),
        (GOOD_ENTRY + "    shared_hs_codes: ['2915.24']\n", ["shared_hs_codes not in hs_codes"]),
        (GOOD_ENTRY.replace("    names: {en: gamma-butyrolactone, es: gamma-butirolactona}\n", ""),
         ["names", "Missing data"]),
        (GOOD_ENTRY.replace("{en: gamma-butyrolactone, es: gamma-butirolactona}", "{fr: gbl}"),
         ["names"]),
        ("substances:\n  - code: no-such-code\n    synonyms: {es: [algo]}\n",
         ["unknown code 'no-such-code'"]),
        ("substances:\n  - code: acetone\n    synonyms: {es: [tolueno]}\n",
         ["'tolueno' would name both"]),
        ("substances:\n  - just a string\n", ["expected a mapping"]),
        ("substances: {code: x}\n", ["must be a list"]),
        ("substance:\n  - code: x\n", ["unknown section"]),
        ("- a list at the top\n", ["expected 'substances:'"]),
        ("substances:\n  - code: acetone\n    code: toluene\n", ["line 3", "appears twice"]),
        ("substances: [\n", ["not valid YAML"]),
        ("not_controlled:\n  - names: {en: acetona}\n", ["'acetona' would name both"]),
        ("not_controlled:\n  - cas: 67-64-1\n    names: {en: other}\n", ["duplicate CAS"]),
    ],
)
def test_bad_files_fail_with_file_entry_and_reason(tmp_path, text, reasons):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([path])
    message = str(caught.value)
    assert str(path) in message
    for reason in reasons:
        assert reason in message


def test_errors_name_the_entry_and_its_line(tmp_path):
    text = GOOD_ENTRY + GOOD_ENTRY.removeprefix("substances:\n").replace("96-48-0", "96-48-1")
    path = write(tmp_path, "bad.yaml", text.replace("gamma-butyrolactone\n    cas: 96-48-1",
                                                     "gbl-two\n    cas: 96-48-1"))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([path])
    assert "substances entry 2 'gbl-two' (line 7)" in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue([tmp_path / "nowhere.yaml"])


SALT_ENTRY = """\
substances:
  - code: base-x
    cas: 96-48-0
    table: national
    hs_codes: ['2932.20']
    names: {en: base x}
    molecular_weight: 100
    salts:
      - code: base-x-hydrochloride
        names: {en: base x hydrochloride}
        molecular_weight: {salt_weight}
        {extra}
"""


def salt_file(tmp_path, salt_weight, extra=""):
    text = SALT_ENTRY.replace("{salt_weight}", str(salt_weight)).replace("{extra}", extra)
    return write(tmp_path, "salt.yaml", text)


def test_salt_fraction_is_computed_from_molecular_weights(tmp_path):
    catalogue = load_catalogue([salt_file(tmp_path, 136.46)])
    assert catalogue.resolve("base x hydrochloride").base_fraction == pytest.approx(0.7328)


@pytest.mark.parametrize(
    ("weight", "extra", "reason"),
    [
        (80, "", "would weigh less than its base"),
        (136.46, "base_fraction: 0.9", "does not match its molecular weights"),
        ("null", "", "salts#1: give molecular_weight (preferred) or base_fraction"),
    ],
)
def test_bad_salts(tmp_path, weight, extra, reason):
    with pytest.raises(CatalogueError, match=re.escape(reason)):
        load_catalogue([salt_file(tmp_path, weight, extra)])


def test_ambiguous_fuzzy_match_is_refused(tmp_path):
    shipped = write(tmp_path, "tiny.yaml", """\
        substances:
          - code: abcdefg
            cas: 96-48-0
            table: national
            hs_codes: ['2932.20']
            names: {en: abcdefg}
          - code: abcdefh
            cas: 67-64-1
            table: national
            hs_codes: ['2914.11']
            names: {en: abcdefh}
        """)
    catalogue = build_catalogue([shipped])
    assert catalogue.resolve("abcdefgg").substance.code == "abcdefg"
    with pytest.raises(UnknownSubstance) as caught:
        catalogue.resolve("abcdefx")
    assert len(caught.value.suggestions) == 2


def test_shared_hs_code_between_two_substances_identifies_neither(tmp_path):
    text = GOOD_ENTRY.replace("'2932.20'", "'2914.11'")
    catalogue = load_catalogue([write(tmp_path, "shared.yaml", text)])
    assert catalogue.substance_for_hs("2914.11") is None
    assert catalogue.substance_for_hs("2914.12").code == "methyl-ethyl-ketone"
