"""pyproject.toml declares what the code imports, and only that."""

from __future__ import annotations

import ast
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = ("kolgraph", "api", "cli", "ingest")
# imported (or, for wordllama, its files read) inside the function using it
OPTIONAL = {
    "matplotlib": "report",
    "weasyprint": "pdf",
    "wordllama": "embedding",
    "safetensors": "embedding",
    "tokenizers": "embedding",
}
LOADED_BY_OTHERS = {  # declared runtime dependencies no module imports by name
    "pyarrow": "pandas' parquet engine",
    "httptools": "uvicorn's HTTP parser",
    "uvloop": "uvicorn's event loop",
    "hiredis": "the redis client's reply parser",
    "fastapi-offline": "its static files, found with importlib.resources",
}
LOCAL = {"kolgraph", "tests", "seed", "parsers", "liveserver", "manufacturer_list"}


def _names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower().replace("_", "-") for r in requirements}


@cache
def _imports(folder: str, module_level_only: bool = False) -> frozenset[str]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        if "node_modules" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = tree.body if module_level_only else ast.walk(tree)
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return frozenset(m for m in found if m not in sys.stdlib_module_names and m not in LOCAL)


@cache
def _distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _distribution(module: str) -> str:
    [name, *_] = _distributions()[module]
    return name.lower().replace("_", "-")


def _declared_with_requirements(names: set[str]) -> set[str]:
    """The named distributions and what they require in turn (one level)."""
    out = set(names)
    for name in names:
        for req in metadata.requires(name) or []:
            if "extra ==" not in req:
                out.add(Requirement(req).name.lower().replace("_", "-"))
    return out


def test_runtime_imports_are_declared_dependencies() -> None:
    declared = _names(PROJECT["dependencies"])
    provided = _declared_with_requirements(declared)
    for folder in RUNTIME:
        for module in sorted(_imports(folder) - set(OPTIONAL)):
            name = _distribution(module)
            assert name in declared or name in provided, f"{folder}/ imports {module} ({name})"
    imported = {_distribution(m) for f in RUNTIME for m in _imports(f) - set(OPTIONAL)}
    unused = declared - imported - set(LOADED_BY_OTHERS)
    assert not unused, f"declared but imported nowhere: {sorted(unused)}"


def test_optional_libraries_are_extras_imported_on_use() -> None:
    extras = PROJECT["optional-dependencies"]
    for module, extra in OPTIONAL.items():
        assert module in _names(extras[extra]) and module not in _names(PROJECT["dependencies"])
        for folder in RUNTIME:
            assert module not in _imports(folder, module_level_only=True), (folder, module)


def test_the_test_extra_installs_what_the_tests_import() -> None:
    declared = _names(PROJECT["dependencies"]) | _names(PROJECT["optional-dependencies"]["test"])
    provided = _declared_with_requirements(declared)
    for module in sorted(_imports("tests") - {"weasyprint"}):
        name = _distribution(module)
        assert name in provided, f"tests import {module} ({name}), not in the test extra"
    assert "httpx" not in _names(PROJECT["dependencies"])  # only the tests use it
    every = [r for reqs in PROJECT["optional-dependencies"].values() for r in reqs]
    assert "httpx2" not in _names(PROJECT["dependencies"] + every)
