"""`vigia import` shows how far it has read a large file, on stderr."""

from __future__ import annotations

import re

import pytest

import app.intake.cli as intake_cli
import app.intake.service as intake_service
from app.intake.cli import progress_reporter
from tests.builders import DECLARATION_HEADER, write

ROWS = [f"LIC-001;2025-01;purchase;2025-01-{d:02d};acetone;{d};kg;" for d in range(1, 8)]


@pytest.fixture
def two_row_chunks(monkeypatch):
    """Read files two rows at a time, so that a small file has several chunks."""
    real = intake_service.iter_file

    def iter_file(*args, **kwargs):
        return real(*args, **(kwargs | {"chunk_rows": 2}))

    monkeypatch.setattr(intake_service, "iter_file", iter_file)


def test_a_large_file_reports_rows_read_as_lines_when_stderr_is_not_a_terminal(
        runner, registered, tmp_path, monkeypatch, two_row_chunks):
    monkeypatch.setattr(intake_cli, "BIG_FILE", 0)
    monkeypatch.setattr(intake_cli, "PROGRESS_EVERY", 0)
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER, ROWS)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    counts = re.findall(r"^enero\.csv: (\d+) rows read \([\d,]+ rows/s\)$", result.stderr, re.M)
    assert counts == ["2", "4", "6", "7"]
    assert "\r" not in result.stderr
    assert "enero.csv: read 7, stored 7, rejected 0" in result.stdout


def test_lines_are_spaced_in_time_when_not_a_terminal(tmp_path, capsys, monkeypatch):
    path = write(tmp_path / "big.csv", DECLARATION_HEADER, ROWS)
    monkeypatch.setattr(intake_cli, "BIG_FILE", 0)
    monkeypatch.setattr(intake_cli, "PROGRESS_EVERY", 3600)
    report = progress_reporter(path, live=False)
    for rows in (100_000, 200_000, 300_000):
        report(rows)
    report.finish()
    assert capsys.readouterr().err == ""  # nothing yet: the hour has not passed


def test_on_a_terminal_one_line_is_rewritten_then_ended(tmp_path, capsys, monkeypatch):
    path = write(tmp_path / "big.csv", DECLARATION_HEADER, ROWS)
    monkeypatch.setattr(intake_cli, "BIG_FILE", 0)
    report = progress_reporter(path, live=True)
    report(100_000)
    report(200_000)
    report.finish()
    err = capsys.readouterr().err
    assert err.startswith("\rbig.csv: 100,000 rows read (")
    assert "\rbig.csv: 200,000 rows read (" in err
    assert err.endswith("\n") and err.count("\n") == 1


def test_small_files_show_no_progress(runner, registered, tmp_path, two_row_chunks):
    path = write(tmp_path / "enero.csv", DECLARATION_HEADER, ROWS)
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
