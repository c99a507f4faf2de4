"""The `vigia` command starts without the heavy libraries: help never imports pandas or scipy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.cli import LAZY_COMMANDS, lazy_command, main, short_help

PROBE = """
import sys
from app.cli import main
try:
    main(sys.argv[1:], prog_name="vigia")
except SystemExit:
    pass
heavy = sorted(m for m in ("pandas", "scipy", "numpy", "sqlalchemy.orm", "app.extensions")
               if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


@pytest.mark.parametrize("args", [["--help"], ["import", "--help"],
                                  ["import", "declarations", "--help"], ["serve", "--help"]])
def test_help_imports_neither_pandas_nor_scipy(args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage: vigia" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "HEAVY:", done.stdout


def test_the_listing_names_every_command_with_its_own_help():
    for name, (_target, text) in LAZY_COMMANDS.items():
        command = lazy_command(name)
        assert command.name == name
        for limit in (40, 60, 200):
            assert short_help(text, limit) == command.get_short_help_str(limit), name
    from click.testing import CliRunner

    listing = CliRunner().invoke(main, ["--help"]).output
    for name in [*LAZY_COMMANDS, "import", "init", "serve", "demo"]:
        assert f"\n  {name} " in listing


WEB_PROBE = """
import sys
from app.cli import main
try:
    main(sys.argv[1:], prog_name="vigia")
except SystemExit as exit:
    code = exit.code
print("WEB:" + ",".join(m for m in ("app.triage.views", "app.api.extension")
                          if m in sys.modules))
"""


@pytest.mark.parametrize(("args", "web"), [
    (["init"], False),
    (["status"], False),
    (["routes"], True),  # Flask's own: it lists the pages, so it gets them
])
def test_console_commands_start_without_the_pages_and_the_api(args, web, tmp_path):
    from tests.processes import environment

    env = environment(f"sqlite:///{tmp_path / 'vigia.sqlite3'}", tmp_path / "instance")
    if args != ["init"]:
        subprocess.run([sys.executable, "-c", WEB_PROBE, "init"], env=env, check=True,
                       capture_output=True, timeout=120)
    done = subprocess.run([sys.executable, "-c", WEB_PROBE, *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1]
    assert loaded == ("WEB:app.triage.views,app.api.extension" if web else "WEB:"), done.stdout
    if web:
        assert "triage." in done.stdout  # the listing names the officers' pages


def test_serving_adds_the_pages_to_an_application_built_without_them(tmp_path):
    from app import add_web_areas, create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'v.sqlite3'}"}, web=False)
    assert "triage" not in app.blueprints and "vigia_api" not in app.extensions
    add_web_areas(app)
    add_web_areas(app)  # once only
    assert "triage" in app.blueprints and "vigia_api" in app.extensions
    assert any(rule.endpoint.startswith("triage.") for rule in app.url_map.iter_rules())


APP_GROUP_PROBE = """
import sys
import click
from app import create_app
app = create_app({"INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "t",
                  "DATABASE_URL": "sqlite:///" + sys.argv[1] + "/v.sqlite3"}, web=False)
print("LOADED:" + ",".join(m for m in ("app.detection.rules.evaluator", "scipy")
                             if m in sys.modules))
context = click.Context(app.cli)
print("LISTED:" + ",".join(app.cli.list_commands(context)))
print("DETECT:" + app.cli.get_command(context, "detect").name)
"""


def test_the_applications_own_group_has_every_command_and_imports_them_when_run(tmp_path):
    done = subprocess.run([sys.executable, "-c", APP_GROUP_PROBE, str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    assert lines["LOADED"] == ""  # building the application imported no rule module
    assert {*LAZY_COMMANDS, "import", "init", "serve", "demo", "status"} <= set(
        lines["LISTED"].split(","))
    assert lines["DETECT"] == "detect"
