"""Reading a SQLite query in two id ranges, one in a reader process, gives the one read's frame."""

from __future__ import annotations

import logging
import sqlite3

import pandas as pd
import pytest

from app.detection import sqlite_read
from app.detection.sqlite_read import database_file, frame, join, read_part, read_split

COLUMNS = ["id", "kg", "licence", "note"]
OPTIONS = {"floats": {"kg"}, "numbers": {"id"}}
WHOLE = "SELECT id, kg, licence, note FROM line ORDER BY id"
LOWER = "SELECT id, kg, licence, note FROM line WHERE id <= 50 ORDER BY id"
UPPER = "SELECT id, kg, licence, note FROM line WHERE id > 50 ORDER BY id"


@pytest.fixture
def database(tmp_path):
    """A file database of 100 lines: texts shared by both halves, some only in one, NULLs."""
    path = tmp_path / "lines.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE line (id INTEGER PRIMARY KEY, kg REAL, licence TEXT, note TEXT)")
    rows = []
    for i in range(1, 101):
        licence = f"LIC-{i % 7}" if i <= 50 else f"LIC-{i % 11}"  # LIC-7..10 only above 50
        note = None if i % 5 == 0 else ("" if i % 9 == 0 else f"n{i % 3}")
        rows.append((i, None if i % 13 == 0 else i * 1.5, licence, note))
    raw.executemany("INSERT INTO line VALUES (?, ?, ?, ?)", rows)
    raw.commit()
    yield path, raw
    raw.close()


def _assert_same(part, expected):
    pd.testing.assert_frame_equal(frame(part), frame(expected), check_exact=True)


def test_two_parts_joined_are_the_one_read(database):
    _path, raw = database
    whole = read_part(raw, WHOLE, COLUMNS, **OPTIONS)
    joined = join(read_part(raw, LOWER, COLUMNS, **OPTIONS),
                  read_part(raw, UPPER, COLUMNS, **OPTIONS, chunk_rows=3))
    result = frame(joined)
    pd.testing.assert_frame_equal(result, frame(whole), check_exact=True)
    assert result["note"].isna().sum() == 20 and (result["note"] == "").sum() == 9
    assert set(result.loc[result["id"] > 50, "licence"]) >= {"LIC-7", "LIC-10"}


def test_the_upper_half_read_in_a_reader_process_is_the_one_read(database):
    path, raw = database
    assert database_file(raw) == str(path)
    split = read_split(raw, str(path), (LOWER, UPPER), COLUMNS, **OPTIONS)
    _assert_same(split, read_part(raw, WHOLE, COLUMNS, **OPTIONS))


def test_a_reader_process_that_fails_has_its_half_read_here(database, tmp_path, caplog):
    _path, raw = database
    missing = str(tmp_path / "no such file.sqlite3")  # the reader cannot open it read-only
    with caplog.at_level(logging.WARNING, logger=sqlite_read.__name__):
        split = read_split(raw, missing, (LOWER, UPPER), COLUMNS, **OPTIONS)
    _assert_same(split, read_part(raw, WHOLE, COLUMNS, **OPTIONS))
    assert "its half is read here" in caplog.text and "OperationalError" in caplog.text


def test_an_empty_half_joins(database):
    _path, raw = database
    nothing = "SELECT id, kg, licence, note FROM line WHERE id > 1000 ORDER BY id"
    split = read_split(raw, str(database[0]), (WHOLE, nothing), COLUMNS, **OPTIONS)
    _assert_same(split, read_part(raw, WHOLE, COLUMNS, **OPTIONS))


def test_a_database_in_memory_has_no_file():
    assert database_file(sqlite3.connect(":memory:")) == ""


def test_without_a_reader_process_both_halves_are_read_here(database, monkeypatch, caplog):
    path, raw = database

    def refused(self):
        raise OSError("no processes here")

    monkeypatch.setattr(sqlite_read.multiprocessing.get_context("forkserver").Process, "start",
                        refused)
    with caplog.at_level(logging.WARNING, logger=sqlite_read.__name__):
        split = read_split(raw, str(path), (LOWER, UPPER), COLUMNS, **OPTIONS)
    _assert_same(split, read_part(raw, WHOLE, COLUMNS, **OPTIONS))
    assert "no reader process" in caplog.text and "no processes here" in caplog.text
