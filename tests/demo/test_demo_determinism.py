"""Same seed, same bytes; another seed, another market."""

from __future__ import annotations

import zipfile

from demo import generate_country


def _files(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(small_country, small_settings, tmp_path):
    again = generate_country(tmp_path / "again", **small_settings)
    first, second = _files(small_country.out_dir), _files(again.out_dir)
    assert first.keys() == second.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []


def test_workbooks_carry_fixed_times(small_country):
    with zipfile.ZipFile(small_country.registry_alternate) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-01-01T00:00:00Z" in core


def test_another_seed_gives_another_market(small_country, small_settings, tmp_path):
    settings = {**small_settings, "seed": small_settings["seed"] + 1}
    other = generate_country(tmp_path / "other", **settings)
    mine = small_country.registry[0].read_bytes()
    theirs = other.registry[0].read_bytes()
    assert mine != theirs
    names = {line.split(b";")[1] for line in mine.splitlines()[1:]}
    other_names = {line.split(b";")[1] for line in theirs.splitlines()[1:]}
    assert len(names & other_names) < len(names) / 2


def test_returns_files_by_feed_in_import_order(small_country):
    feeds = [name for name, _ in small_country.feeds()]
    assert feeds == ["registry", "baselines", "declarations", "customs", "export_notifications"]
    for _, paths in small_country.feeds():
        assert paths and all(p.is_file() for p in paths)
    periods = [p.name[:7] for p in small_country.declarations if "rectificacion" not in p.name]
    assert periods == sorted(periods)
    assert all("rectificacion" in p.name for p in small_country.declarations[len(periods):])
