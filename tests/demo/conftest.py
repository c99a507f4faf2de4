"""Shared demo countries: a small one for most checks, the default one for coverage."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from demo import generate_country
from demo.habits import CUSTOMS_HABIT
from demo.readback import read_declarations, read_table

SMALL = {"operators": 40, "months": 12, "seed": 11}
HABITS = {"operators": 120, "months": 12, "seed": 5}  # one market, written at each intensity


@pytest.fixture(scope="session")
def small_settings():
    """Return the arguments of the small country."""
    return dict(SMALL)


@pytest.fixture(scope="session")
def small_country(tmp_path_factory):
    """Generate a small country once per test session."""
    return generate_country(tmp_path_factory.mktemp("small"), **SMALL)


@pytest.fixture(scope="session")
def default_country(tmp_path_factory):
    """Generate the default-size country once, timing it."""
    started = time.perf_counter()
    country = generate_country(tmp_path_factory.mktemp("default"))
    country_seconds = time.perf_counter() - started
    return country, country_seconds


def load_lines(country) -> pd.DataFrame:
    """Read every declaration file of a country, without the rows intake must reject."""
    planted = country.expectations()
    bad = {(Path(b["file"]).name, b["row"]) for b in planted["bad_rows"]}
    frames = [read_declarations(path) for path in country.declarations]
    lines = pd.concat(frames, ignore_index=True)
    keep = [(f, r) not in bad for f, r in zip(lines["file"], lines["row"], strict=True)]
    return lines[keep].reset_index(drop=True)


def load_customs(country) -> pd.DataFrame:
    """Read every customs extract of a country: numbers, tax ids as text, dates parsed."""
    frames = []
    for path in country.customs:
        habit = CUSTOMS_HABIT if path.suffix == ".csv" else replace(CUSTOMS_HABIT, kind="xlsx")
        frames.append(read_table(path, habit))
    frame = pd.concat(frames, ignore_index=True)
    frame["net_mass_kg"] = pd.to_numeric(frame["net_mass_kg"])
    frame["trader_tax_id"] = frame["trader_tax_id"].astype(str)
    frame["date"] = [pd.Timestamp(d) if not isinstance(d, str)
                     else pd.to_datetime(d, format="%d/%m/%Y") for d in frame["date"]]
    return frame


@pytest.fixture(scope="session")
def small_lines(small_country):
    """Return the small country's declaration lines in spec codes."""
    return load_lines(small_country)


@pytest.fixture(scope="session")
def default_lines(default_country):
    """Return the default country's declaration lines in spec codes."""
    return load_lines(default_country[0])


def planted_json(country) -> dict:
    """Return the parsed planted.json of a country."""
    return json.loads(country.planted.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def habit_countries(tmp_path_factory):
    """Generate one market at every habits intensity, once per session."""
    root = tmp_path_factory.mktemp("habits")
    return {level: generate_country(root / level, habits=level, **HABITS)
            for level in ("none", "usual", "heavy")}


@pytest.fixture(scope="session")
def habit_lines(habit_countries):
    """Return each intensity's declaration lines in spec codes."""
    return {level: load_lines(country) for level, country in habit_countries.items()}
