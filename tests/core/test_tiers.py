"""The suite's two tiers: CI runs the README's test command, and that command runs both."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = [
        line
        for line in readme.splitlines()
        if line.startswith('python -m pip install -e ".[test]"')
    ]
    return command


def test_ci_runs_the_readme_command_and_it_runs_both_tiers() -> None:
    command = _readme_test_command()
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    runs = re.findall(r"python -m pytest[^&]*", command)
    assert [r.strip() for r in runs] == ["python -m pytest", "python -m pytest -m slow"]


def test_slow_tests_are_deselected_by_default() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert '-m "not slow"' in options["ini_options"]["addopts"]


def _pytest(*args: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode in (0, 5), done.stdout + done.stderr  # 5: every item deselected
    return done.stdout


def test_neo4j_variants_are_slow_and_the_default_run_never_starts_neo4j() -> None:
    modules = (
        "tests/store/test_store.py",  # the store fixture's falkordb and neo4j params
        "tests/store/test_backends_side_by_side.py",
    )  # asks for neo4j_server itself
    fast = _pytest("--setup-plan", *modules)
    slow = _pytest("--setup-plan", "-m", "slow", *modules)
    assert "store['falkordb']" in fast and "['neo4j']" not in fast
    assert "neo4j_server" not in fast  # nothing in the default run starts Neo4j
    assert "store['neo4j']" in slow and "store['falkordb']" not in slow
    assert "neo4j_server" in slow
