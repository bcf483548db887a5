"""The core type-checks: ``mypy kolgraph`` with the pydantic plugin (config in pyproject)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_is_clean_on_the_core() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "kolgraph"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")
