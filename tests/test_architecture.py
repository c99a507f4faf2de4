"""Imports point the way docs/architecture.md says: the contracts of [tool.importlinter] hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LINTER = PYPROJECT["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in LINTER["contracts"]}
CHECK = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """Run import-linter over the packages in `folder` with the pyproject.toml found there."""
    return subprocess.run(
        [sys.executable, "-c", CHECK, "--no-cache", "--no-logo"], cwd=folder,
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder), "PYTHONSAFEPATH": "1"},
    )


def top_packages() -> set[str]:
    """Return the importable packages at the repository's top that the project installs."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    roots = {pattern.rstrip("*").rstrip(".") for pattern in patterns}
    return {name for name in roots if (ROOT / name / "__init__.py").is_file()}


def test_every_contract_is_kept():
    done = lint_imports(ROOT)
    assert done.returncode == 0, f"an import points the wrong way:\n{done.stdout}{done.stderr}"
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in done.stdout, done.stdout


def test_the_contracts_cover_every_top_package():
    assert {"pure-readers", "pure-catalogue", "stages", "services-below-pipeline",
            "acyclic"} <= set(CONTRACTS)
    missing = top_packages() - set(LINTER["root_packages"])
    assert not missing, (f"add {sorted(missing)} to [tool.importlinter] root_packages in "
                         "pyproject.toml so that their imports are checked")
    pure = set(CONTRACTS["pure-readers"]["source_modules"])
    unchecked = top_packages() - {"app"} - pure
    assert not unchecked, (f"{sorted(unchecked)}: a package beside app/ imports nothing of it; "
                           "add it to the pure-readers contract's source_modules")
    assert CONTRACTS["acyclic"]["ancestors"] == ["app"]


@pytest.mark.parametrize(("module", "line", "contract"), [
    # A stage calling up into the pipeline: the circle this layering removed.
    ("app/detection/service.py", "from app.pipeline import detect", "stages"),
    # The bottom package reaching up into a storer.
    ("app/storage/keyed.py", "from app.movements import storing", "stages"),
    # The readers learning of the application.
    ("importers/__init__.py", "import app.db", "pure-readers"),
])
def test_an_import_against_the_layering_breaks_a_contract(tmp_path, module, line, contract):
    for package in LINTER["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "static",
                                                      "templates", "translations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                      encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout
    name = CONTRACTS[contract]["name"]
    assert f"{name} BROKEN" in " ".join(done.stdout.split()), done.stdout
    importer = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    imported = line.split()[1]
    assert f"{importer} -> {imported}" in done.stdout, done.stdout
