"""Intake fixtures: a small registry imported through the command line."""

from __future__ import annotations

import pytest

from tests.builders import REGISTRY, REGISTRY_HEADER, write


@pytest.fixture
def registered(runner, tmp_path):
    """Import a small registry (LIC-001: acetone, toluene; LIC-002: toluene)."""
    path = write(tmp_path / "registry.csv", REGISTRY_HEADER, REGISTRY)
    result = runner.invoke(args=["import", "registry", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def context(app, db_session, registered):
    """Return what a declarations reader knows of the small registry."""
    from app.extensions import vigia
    from app.pipeline import read_context

    return read_context(vigia(app), session=db_session, feed="declarations")
