"""The package's public surface and the direction of its imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kolgraph

ROOT = Path(__file__).resolve().parents[2]


def test_public_api_is_pinned() -> None:
    assert sorted(kolgraph.__all__) == [
        "ConfigError",
        "GraphStore",
        "IngestError",
        "KolgraphError",
        "ScoringError",
        "Settings",
        "StatementNotFound",
        "StoreError",
        "StoreUnavailable",
        "UnknownHcp",
        "UnknownIdentifier",
        "get_settings",
        "open_store",
    ]


def test_importing_the_core_loads_neither_ingest_nor_api() -> None:
    code = (
        "import sys, kolgraph, kolgraph.store, kolgraph.scoring, kolgraph.resolution; "
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('kolgraph.api', 'kolgraph.ingest', 'kolgraph.cli'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_subpackages_install_inside_the_kolgraph_namespace() -> None:
    import kolgraph.api
    import kolgraph.cli
    import kolgraph.ingest
    import kolgraph.queries

    assert Path(kolgraph.ingest.__file__).parent == ROOT / "ingest"
    assert Path(kolgraph.api.__file__).parent == ROOT / "api"
    assert Path(kolgraph.queries.__file__).parent == ROOT / "queries"
    assert Path(kolgraph.cli.__file__).parent == ROOT / "cli"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations(folder: Path, forbidden: tuple[str, ...], skip: tuple[str, ...] = ()) -> list[str]:
    bad = []
    for path in sorted(folder.rglob("*.py")):
        if any(part in skip for part in path.relative_to(folder).parts):
            continue
        for module in _imports(path):
            if module.startswith(forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


def test_imports_point_one_way() -> None:
    ingest, api = ("kolgraph.ingest",), ("kolgraph.api",)
    assert _violations(ROOT / "kolgraph", ingest + api + ("kolgraph.cli",)) == []
    assert _violations(ROOT / "ingest", api + ("kolgraph.cli",)) == []
    assert _violations(ROOT / "api", ingest + ("kolgraph.cli",)) == []


def test_test_data_stays_out_of_the_installed_packages() -> None:
    """Generators of test and benchmark data live in tests/factories, which nothing installed
    imports."""
    shipped = [ROOT / name for name in ("kolgraph", "ingest", "api", "cli")]
    assert [bad for folder in shipped for bad in _violations(folder, ("tests",))] == []
    assert (ROOT / "tests" / "factories" / "field_force.py").is_file()
