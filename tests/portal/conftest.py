"""Portal fixtures: a small registry (LIC-001 and LIC-002 licensed for acetone and toluene)."""

from __future__ import annotations

import pytest

from tests.builders import REGISTRY, REGISTRY_HEADER, write


@pytest.fixture
def registered(runner, tmp_path):
    """Import a small registry (LIC-001: acetone, toluene; LIC-002: toluene)."""
    path = write(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
    result = runner.invoke(args=["import", "registry", str(path)])
    assert result.exit_code == 0, result.output
