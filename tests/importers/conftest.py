"""Shared fixtures for the importer tests: a small fake catalogue and file builders."""

from __future__ import annotations

import sys
from pathlib import Path

# pytest puts tests/ on sys.path (rootless conftest files), where tests/importers would pass
# for the real `importers` package as a namespace package. Put the project root first.
# (`pythonpath = ["."]` in [tool.pytest.ini_options] would make this unnecessary.)
_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)
if getattr(sys.modules.get("importers"), "__file__", "") is None:
    del sys.modules["importers"]

import csv  # noqa: E402
import io  # noqa: E402
import zipfile  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from importers import LicenceInfo, ReadContext  # noqa: E402
from lexicon.text import fold_words  # noqa: E402


class UnknownSubstance(ValueError):
    """Raised by the fake catalogue, as app.catalogue does, for text it cannot resolve."""


@dataclass(frozen=True)
class FakeForm:
    code: str


@dataclass(frozen=True)
class FakeSubstance:
    code: str
    cas: str
    name: str
    densities: tuple[tuple[float, float], ...] = ()  # (concentration_pct, kg/L)

    def density_for(self, concentration_pct: float) -> float | None:
        """Return the tabulated density nearest to this concentration, if any."""
        if not self.densities:
            return None
        return min(self.densities, key=lambda d: abs(d[0] - concentration_pct))[1]


@dataclass(frozen=True)
class FakeResolution:
    substance: FakeSubstance
    form: FakeForm | None = None
    base_fraction: float = 1.0
    concentration_pct: float | None = None  # as app.catalogue reads "HCl 33%"


TOLUENE = FakeSubstance("toluene", "108-88-3", "toluene", ((100.0, 0.867),))
HCL = FakeSubstance(
    "hydrochloric_acid", "7647-01-0", "hydrochloric acid", ((33.0, 1.16), (37.0, 1.18))
)
EPHEDRINE = FakeSubstance("ephedrine", "299-42-3", "ephedrine")
PERMANGANATE = FakeSubstance("potassium_permanganate", "7722-64-7", "potassium permanganate")
EPHEDRINE_HCL = FakeResolution(EPHEDRINE, FakeForm("hydrochloride"), 0.8190)


@dataclass
class FakeCatalogue:
    """Four substances, enough names to exercise the readers; counts resolve() calls."""

    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = {
            TOLUENE: ("toluene", "tolueno", "108-88-3", "TOL"),
            HCL: ("hydrochloric acid", "ácido clorhídrico", "ácido muriático", "ácido clorídrico",
                  "7647-01-0"),
            EPHEDRINE: ("ephedrine", "efedrina", "299-42-3"),
            PERMANGANATE: ("potassium permanganate", "permanganato de potasio",
                           "permanganato de potássio", "7722-64-7"),
        }
        self._names = {fold_words(n): FakeResolution(s) for s, ns in names.items() for n in ns}
        for text in ("ephedrine hydrochloride", "clorhidrato de efedrina", "efedrina clorhidrato"):
            self._names[fold_words(text)] = EPHEDRINE_HCL
        self._names[fold_words("ácido clorhídrico 33%")] = FakeResolution(HCL, None, 1.0, 33.0)
        self._hs = {"290230": TOLUENE, "280610": HCL, "293941": EPHEDRINE, "284161": PERMANGANATE}

    def resolve(self, text: str) -> FakeResolution:
        """Resolve a name or CAS number, as app.catalogue does."""
        self.calls.append(text)
        try:
            return self._names[fold_words(text)]
        except KeyError:
            raise UnknownSubstance(f"unknown substance {text!r}") from None

    def substance_for_hs(self, hs_code: str) -> FakeSubstance | None:
        """Return the substance a tariff code designates (by its first six digits)."""
        return self._hs.get(hs_code[:6])


@pytest.fixture
def catalogue() -> FakeCatalogue:
    return FakeCatalogue()


@pytest.fixture
def context(catalogue) -> ReadContext:
    return ReadContext(catalogue=catalogue, home_country="PE")


@pytest.fixture
def registry_context(catalogue) -> ReadContext:
    """A context that knows the registry: LIC-1 handles toluene and HCl, LIC-2 ephedrine."""
    known = {
        "LIC-1": LicenceInfo("20100070970", frozenset({"toluene", "hydrochloric_acid"}),
                             date(2024, 1, 1), date(2026, 12, 31)),
        "LIC-2": LicenceInfo("20512345678", frozenset({"ephedrine"}), date(2024, 1, 1), None),
    }
    return ReadContext(catalogue=catalogue, home_country="PE", known_licences=known)


def csv_bytes(rows: list[list[object]], *, sep: str = ";", encoding: str = "utf-8") -> bytes:
    """Write rows as CSV text in the given encoding (quotes only where needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[object]]], tmp_path: Path) -> bytes:
    """Write a workbook with openpyxl, one sheet per entry, rows from A1."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    return path.read_bytes()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def _ods_cell(value: object) -> str:
    """Write one ODS cell as LibreOffice does; ("error", "#N/A") is a failed formula."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple) and value[0] == "error":
        return ('<table:table-cell table:formula="of:=NA()" office:value-type="string" '
                f'office:string-value="" calcext:value-type="error"><text:p>{value[1]}</text:p>'
                "</table:table-cell>")
    if isinstance(value, tuple) and value[0] == "empty":  # n empty cells in one element
        return f'<table:table-cell table:number-columns-repeated="{value[1]}"/>'
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>")


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_bytes(rows: list[object], sheet: str = "Hoja1") -> bytes:
    """Write a minimal ODS document; a row ("empty rows", n) is n repeated empty rows."""
    body = "".join(
        f'<table:table-row table:number-rows-repeated="{row[1]}"><table:table-cell/>'
        "</table:table-row>" if isinstance(row, tuple)
        else "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        mimetype = "application/vnd.oasis.opendocument.spreadsheet"
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


@pytest.fixture
def make_ods():
    return ods_bytes


@pytest.fixture
def make_csv():
    return csv_bytes


@pytest.fixture
def make_xlsx(tmp_path):
    return lambda sheets: xlsx_bytes(sheets, tmp_path)
