"""A rules folder of one's own (threshold.yaml) and ACME's stored purchases to backtest on."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import vigia
from app.regulation.service import Actor, Context
from tests.detection.stored import (
    DECLARATION_HEADER,
    REGISTRY_HEADER,
    declaration_row,
    store,
    write_csv,
)

RULES = Path(__file__).resolve().parents[2] / "rules"
ANA = Actor("ana@example.org", "regulator")
BETO = Actor("beto@example.org", "regulator")
KEY = "large-movement|LIC-001|acetic-anhydride|{day}|{day}"
KEY_1500, KEY_1200, KEY_800 = (KEY.format(day=d) for d in ("2025-03-10", "2025-04-10",
                                                              "2025-05-10"))


def rules_folder(tmp_path: Path) -> Path:
    """Copy rules/threshold.yaml with the fixed threshold alone deciding (no outlier test)."""
    folder = tmp_path / "rules"
    folder.mkdir()
    text = (RULES / "threshold.yaml").read_text(encoding="utf-8")
    assert "outlier_multiple: 2" in text
    (folder / "threshold.yaml").write_text(
        text.replace("outlier_multiple: 2", "outlier_multiple: null"), encoding="utf-8")
    return folder


@pytest.fixture
def rules_dir(tmp_path) -> Path:
    """Return a rules folder in force of the test's own."""
    return rules_folder(tmp_path)


@pytest.fixture
def app(database_url, session_factory, tmp_path, rules_dir):
    """Return an application bound to the test transaction, over the test's rules folder."""
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret",
                      "RULES_DIR": str(rules_dir)})
    vigia(app).db.sessionmaker = session_factory
    yield app
    vigia(app).db.engine.dispose()


@pytest.fixture
def ctx(app, rules_dir) -> Context:
    """Return the regulation context over the test's rules folder."""
    return Context(rules_dir=rules_dir, catalogue=vigia(app).catalogue, home_country="PE")


@pytest.fixture
def acme(app, tmp_path):
    """ACME's purchases of acetic anhydride: 1,500, 1,200 and 800 kg (threshold 1,000 kg)."""
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
        ["LIC-001", "ACME S.A.", "20100000001", "distributor", "acetic anhydride",
         20000, "2020-01-01", "2026-12-31", "active", "Lima", ""],
    ])
    declarations = write_csv(tmp_path / "declarations.csv", DECLARATION_HEADER, [
        declaration_row("LIC-001", "2025-03", "purchase", "2025-03-10", "108-24-7", 1500),
        declaration_row("LIC-001", "2025-04", "purchase", "2025-04-10", "108-24-7", 1200),
        declaration_row("LIC-001", "2025-05", "purchase", "2025-05-10", "108-24-7", 800),
    ])
    store(app, {"registry": [registry], "declarations": [declarations]})
    return app
