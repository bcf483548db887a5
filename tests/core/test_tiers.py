"""The suite's two tiers: CI runs the README's test command, and that command runs both."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = [line for line in readme.splitlines()
                 if line.startswith('python -m pip install -e ".[test]"')]
    return command


def test_ci_runs_the_readme_command_and_it_runs_both_tiers() -> None:
    command = _readme_test_command()
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    runs = re.findall(r"python -m pytest[^&]*", command)
    assert [r.strip() for r in runs] == ["python -m pytest", "python -m pytest -m slow"]


def test_slow_tests_are_deselected_by_default() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert '-m "not slow"' in options["ini_options"]["addopts"]
