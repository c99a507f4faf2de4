"""The word files: validated when loaded, file and line in every error, national additions."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from importers import FileRejected, read_file
from importers.codes import PAYMENT_METHOD
from importers.countries import country_code
from importers.words import SHIPPED_FILES, WordsError, build_words, load_words, use_folder


@pytest.fixture(autouse=True)
def _shipped_words_after():
    """Leave the shipped words in force whatever a test put in force."""
    yield
    use_folder(None)


def _national(tmp_path, text: str, name: str = "national.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(tmp_path, text: str) -> str:
    with pytest.raises(WordsError) as caught:
        build_words(SHIPPED_FILES, [_national(tmp_path, text)])
    return str(caught.value)


def test_the_shipped_words_load_once():
    assert load_words() is load_words()
    assert load_words(None).tables["unit"].codes == ("kg", "g", "t", "L", "gal", "mL")


def test_a_national_file_adds_words_to_the_shipped_codes(tmp_path):
    _national(tmp_path, """\
        tables:
          payment_method:
            codes:
              cash:
                words: [plata en mano]
        countries:
          PE:
            names: [Piruw]
        headers:
          document_ref:
            words: [boleta de venta]
        """)
    use_folder(tmp_path)
    assert PAYMENT_METHOD.code_for("Plata en mano") == "cash"
    assert country_code("Piruw") == "PE"
    use_folder(None)
    assert PAYMENT_METHOD.code_for("Plata en mano") is None


def test_the_readers_use_the_national_folder_of_their_context(tmp_path, make_csv, context):
    folder = tmp_path / "words"
    folder.mkdir()
    _national(folder, """\
        tables:
          movement:
            codes:
              purchase:
                words: [adquirido al proveedor]
        headers:
          quantity:
            words: [cuánto]
        """)
    rows = [["licence_no", "period", "movement", "date", "substance", "cuánto", "unit"],
            ["LIC-1", "2025-03", "adquirido al proveedor", "2025-03-01", "toluene", "5", "kg"]]
    national = replace(context, words_folder=folder)
    read = read_file("declarations", make_csv(rows), filename="d.csv", context=national)
    assert read.errors == []
    assert read.records["movement"].tolist() == ["purchase"]
    with pytest.raises(FileRejected):  # without the national words, no quantity column
        read_file("declarations", make_csv(rows), filename="d.csv", context=context)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tables:\n  payment_method:\n    codes:\n      cash:\n        words: [transferencia]\n",
         "national.yaml, line 5: payment method word 'transferencia' would mean both 'cash' "
         "and 'bank_transfer' (as 'transferencia' at "),
        ("tables:\n  payment_method:\n    codes:\n      barter:\n        words: [trueque]\n",
         "national.yaml, line 4: unknown payment method code 'barter'"),
        ("tables:\n  colour:\n    codes: {}\n", "national.yaml, line 2: unknown table 'colour'"),
        ("countries:\n  PE:\n    names: [Bolivia]\n",
         "national.yaml, line 3: 'Bolivia' would name both PE and BO"),
        ("countries:\n  ZZ:\n    names: [Zedland]\n",
         "national.yaml, line 2: 'ZZ' is not an ISO 3166-1 alpha-2 code"),
        ("headers:\n  document_ref:\n    words: [cantidad]\n",
         "national.yaml, line 3: header 'cantidad' would name both 'document_ref' and "
         "'quantity'"),
        ("headers:\n  colour:\n    words: [color]\n", "national.yaml, line 2: unknown column"),
        ("headers:\n  document_ref:\n    words: [boleta]\n    colour: [x]\n",
         "national.yaml, line 2: unknown key(s) ['colour']"),
        ("headers:\n  document_ref:\n    words: [12]\n",
         "numbers and yes/no must be quoted"),
        ("feeds:\n  declarations: [licence_no]\n",
         "unknown section(s) ['feeds']; a national file holds headers, tables, countries"),
        ("tables:\n  unit:\n    codes:\n      kg:\n        words: [kilo]\n        words: [k]\n",
         "national.yaml, line 6: 'words' appears twice in the same entry"),
        ("tables:\n  unit:\n    refused:\n      - words: [kilo]\n        reason: guessed\n",
         "national.yaml, line 4: unit word 'kilo' is refused but also means 'kg'"),
        ("tables: [", "national.yaml: not valid YAML"),
    ],
)
def test_a_bad_national_file_is_refused_with_file_and_line(tmp_path, text, message):
    assert message in _error(tmp_path, text)


def test_a_shipped_file_needs_examples(tmp_path):
    text = "tables:\n  colour:\n    codes:\n      red:\n        words: [rojo]\n"
    path = _national(tmp_path, text)
    with pytest.raises(WordsError, match=r"line 4: examples must be a list of words"):
        build_words([*SHIPPED_FILES, path])


def test_a_missing_folder_means_the_shipped_words(tmp_path):
    assert load_words(tmp_path / "absent") is load_words()
