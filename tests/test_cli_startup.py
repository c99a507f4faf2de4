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
