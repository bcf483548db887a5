"""Commands start without loading what they do not use; the lazy registry matches the modules.

Deterministic checks on ``sys.modules`` (no timing): ``kolgraph --help``, ``status``,
``stop`` and ``keys list`` must not import scikit-learn, pandas, matplotlib, NetworkX or
SciPy, which only scoring, analytics and ingest need; ``--help`` loads neither the settings
(pydantic) nor a store client.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

HEAVY = ("sklearn", "pandas", "matplotlib", "networkx", "scipy")

PROBE = """
import json, sys
from kolgraph.cli import main
code = main({argv!r})
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def run(argv: list[str], heavy: tuple[str, ...] = HEAVY) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=heavy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_status_stop_and_keys_import_nothing_heavy(tmp_path: Path):
    data = str(tmp_path / "kg")
    try:
        assert run(["--help"]) == {"code": 0, "heavy": []}
        assert run(["status", "--json", "--data-dir", data]) == {"code": 0, "heavy": []}
        assert run(["keys", "list", "--data-dir", data]) == {"code": 0, "heavy": []}
    finally:
        assert run(["stop", "--data-dir", data]) == {"code": 0, "heavy": []}


def test_help_loads_neither_settings_nor_the_store_client():
    assert run(["--help"], ("pydantic", "pydantic_settings", "redis", "falkordb", "neo4j")) == {
        "code": 0,
        "heavy": [],
    }


def test_analytics_reports_without_a_model_load_no_scientific_stack():
    # roi, knowledge and kpis run on the store's counts; only field-activity needs sklearn
    assert run(["analytics", "roi", "--help"]) == {"code": 0, "heavy": []}


def test_a_scoring_command_still_loads_what_it_needs():
    probe = run(["score", "--help"])
    assert probe["code"] == 0 and "pandas" in probe["heavy"]


def test_registry_names_every_command_with_its_own_help():
    from kolgraph.cli.app import COMMANDS, app, load_commands

    load_commands()
    group = typer.main.get_command(app)
    real = {name: group.commands[name] for name in group.commands}
    assert set(real) == set(COMMANDS)
    for name, (_, text) in COMMANDS.items():
        assert real[name].get_short_help_str(limit=10_000) == text, name
