"""``kolgraph demo`` (the README's first command) loads every shipped sample and scores them,
run as an installed command from outside the checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kolgraph.cli.demo_cmds import DEMO_PLAN, default_samples


def test_the_samples_the_demo_loads_are_found() -> None:
    folder = default_samples()
    assert folder.is_dir()
    missing = [relative for _, relative in DEMO_PLAN if not (folder / relative).is_file()]
    assert missing == []


@pytest.mark.slow
def test_demo_loads_every_sample_and_lists_kols(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kolgraph.cli", "demo", "--no-serve", "--top", "5",
             "--data-dir", str(tmp_path / "kg")],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    finally:  # the embedded server outlives the command, as it does for a user
        subprocess.run([sys.executable, "-m", "kolgraph.cli", "stop",
                        "--data-dir", str(tmp_path / "kg")],
                       cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for source, relative in DEMO_PLAN:
        row = next((line for line in out.splitlines() if Path(relative).name in line), None)
        assert row is not None and source in row, relative
        read, loaded = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", row)[-4:-2])
        assert loaded > 0 and read >= loaded, row
    nodes = re.search(r"graph: ([\d,]+) nodes, ([\d,]+) relationships", out)
    assert nodes and int(nodes.group(1).replace(",", "")) > 1000
    assert re.search(r"^│ 5 ", out, re.M), "the KOL table lists the top 5"
