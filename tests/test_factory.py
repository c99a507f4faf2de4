"""The application factory and settings."""

from pathlib import Path

import pytest

from app import create_app
from app.config import normalise_database_url
from app.extensions import vigia


def test_testing_flag_and_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("VIGIA_HOME_COUNTRY", raising=False)
    monkeypatch.delenv("VIGIA_RULES_DIR", raising=False)
    monkeypatch.setenv("VIGIA_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert not app.testing
    settings = vigia(app).settings
    assert settings.instance_path == (tmp_path / "inst").resolve()
    assert settings.database_url == f"sqlite:///{settings.instance_path / 'vigia.sqlite3'}"
    assert settings.home_country == "PE"
    assert settings.rules_dir == Path(__file__).resolve().parent.parent / "rules"
    assert (settings.rules_dir / "quota.yaml").is_file()
    assert (settings.instance_path / "uploads").is_dir()
    assert create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "x")}).testing


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert len(first) == 64
    assert first == second
    assert (Path(tmp_path) / "secret_key").read_text().strip() == first
    assert create_app({"INSTANCE_PATH": str(tmp_path / "other")}).config["SECRET_KEY"] != first


def test_environment_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIA_HOME_COUNTRY", "ec")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("VIGIA_RULES_DIR", str(tmp_path / "reglas"))
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert vigia(app).settings.rules_dir == (tmp_path / "reglas").resolve()
    assert vigia(app).settings.home_country == "EC"
    assert app.config["SECRET_KEY"] == "from-env"
    assert vigia(app).settings.database_url == "postgresql+psycopg://u@h/db"


def test_bad_home_country_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIA_HOME_COUNTRY", "Peru")
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_database_url_normalisation():
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
