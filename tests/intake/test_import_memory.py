"""Memory bounded by the data read at a time, not by the file (issue 12), in a real process.

A CSV of long lines (30,000-character notes, kept as an extra column) was read as one chunk
of rows, the whole file at once: an import's memory grew with the file, past 2 GB for one of
the 512 MB allowed. Chunks are now cut by their text (`Limits.chunk_bytes`) as well as by
rows. The test gives one import a small budget (1 MB chunks) and a file 48 times that,
and measures the process's resident memory as it imports (Linux VmHWM).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.builders import DECLARATION_HEADER, REGISTRY, REGISTRY_HEADER, write
from tests.processes import ROOT, environment, fresh_database, run_vigia

NOTE = 30_000  # characters of free text in one line: within the 32,767 a cell may hold
FILE_MB = 48
CHUNK_MB = 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_import_of_long_lines_holds_chunks_not_the_file(backend, tmp_path):
    line = "LIC-001;2025-01;purchase;2025-01-10;acetone;{n};kg;;" + "z" * NOTE
    rows = [line.format(n=n + 1) for n in range(FILE_MB * 2**20 // NOTE)]
    path = write(tmp_path / "notas.csv", DECLARATION_HEADER + ";notas", rows)
    with fresh_database(backend, tmp_path) as url:
        env = environment(url, tmp_path / "instance")
        registry = write(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
        assert run_vigia(env, "import", "registry", str(registry)).returncode == 0
        done = subprocess.run(
            [sys.executable, "-m", "tests.intake.measured", "declarations", str(path),
             str(CHUNK_MB)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert f"read {len(rows)}, stored {len(rows)}, rejected 0" in figures["summary"]
    grew = figures["peak_mb"] - figures["ready_mb"]
    # Read whole (as before), the 48 MB file grew the process by 54 MB on SQLite and 131 MB
    # on PostgreSQL; in 1 MB chunks by 12 MB on both (mostly the 4 MB blocks of the scans).
    assert grew < FILE_MB / 2, figures
