"""`vigia status`: counts of what is stored, and every stored batch's original checked."""

from __future__ import annotations

from datetime import date

from app.extensions import vigia
from app.pipeline import import_one
from tests.builders import REGISTRY, REGISTRY_HEADER, write


def test_status_counts_and_names_a_missing_original(app, runner, tmp_path):
    outcome = import_one(vigia(app), feed="registry", submitted_by="t", as_of=date(2025, 1, 1),
                         path=write(tmp_path / "registro.csv", REGISTRY_HEADER, REGISTRY))
    result = runner.invoke(args=["status"])
    assert result.exit_code == 0, result.output
    assert "operators: 2\n" in result.output and "licence lines: 3\n" in result.output
    assert "import batches: 1 stored" in result.output
    assert "kept originals: 1 of 1 files present" in result.output

    upload = vigia(app).settings.upload_folder
    batch_sha = next(upload.glob("*/*")).name
    (upload / batch_sha[:2] / batch_sha).unlink()
    result = runner.invoke(args=["status"])
    assert result.exit_code == 1
    assert f"missing: {batch_sha}" in result.output
    assert "1 kept original(s) missing" in result.output
    assert outcome.batch_id is not None
