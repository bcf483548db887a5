"""Schemathesis against a live server on a scratch store: every check, every phase.

Creates a scratch data directory, seeds it as the API tests do (NPPES and Open Payments
samples plus a KRM scenario: scores, co-authors, a congress, referrals), mints an admin
key, starts ``kolgraph serve`` on 127.0.0.1 and runs the schemathesis CLI over the whole
OpenAPI document with ``--checks all`` and the examples, coverage, fuzzing and stateful
phases. The admin key may erase HCPs (``POST /privacy/hcps/{id}/erase``), which is why the
store is a scratch one; it is deleted afterwards unless ``--keep``.

Schema-valid requests may still be refused with 422 where a rule is opaque to the schema
(a cursor this service did not issue, an HCP id that does not exist in a write, a period
whose end precedes its start); ``positive_data_acceptance`` is told so, as in
``tests/api/test_schema_fuzz.py``. Every other check runs with its defaults.

    python benchmarks/schema_fuzz_live.py --max-examples 200 --seed 1   # 11,569 cases, ~9 min
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kolgraph.config import Settings  # noqa: E402
from kolgraph.krm import keys  # noqa: E402
from kolgraph.store import EmbeddedFalkorDB, open_store  # noqa: E402

CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""
PHASES = "examples,coverage,fuzzing,stateful"


def seed_store(data_dir: Path) -> str:
    """Seed a scratch store as the API tests do; return an admin key."""
    from tests.api.conftest import seed  # noqa: PLC0415  (the test seed: real samples)

    with open_store(Settings(data_dir=data_dir)) as store:
        store.apply_schema()
        seed(store)
        key, _ = keys.create_key(store, "admin", "market_access", label="schemathesis")
    return key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kolgraph.cli",
                "serve",
                "--data-dir",
                str(data_dir),
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/ready", timeout=2) as r:
                if r.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"kolgraph serve did not become ready: {log.read_text()[-2000:]}")


def summary(report_dir: Path) -> dict:
    """Cases, failures and errors from schemathesis's NDJSON event stream."""
    cases = failures = errors = 0
    checks: dict[str, dict[str, int]] = {}
    statuses: dict[str, int] = {}
    for line in (report_dir / "events.ndjson").read_text().splitlines():
        ((kind, body),) = json.loads(line).items()
        if kind == "ScenarioFinished":
            recorder = body.get("recorder", {})
            cases += len(recorder.get("cases", {}))
            for check_list in recorder.get("checks", {}).values():
                for check in check_list:
                    tally = checks.setdefault(check["name"], {"passed": 0, "failed": 0})
                    passed = check["status"] == "success"
                    tally["passed" if passed else "failed"] += 1
                    failures += not passed
            for interaction in recorder.get("interactions", {}).values():
                response = interaction.get("response") or {}
                code = str(response.get("status_code", "no response"))
                statuses[code] = statuses.get(code, 0) + 1
        elif kind == "NonFatalError":
            errors += 1
    return {
        "cases": cases,
        "failed_checks": failures,
        "errors": errors,
        "responses_by_status": dict(sorted(statuses.items())),
        "checks": checks,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples",
        type=int,
        default=200,
        help="schemathesis -n: cases per operation and phase",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1", help="schemathesis --workers")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="use and keep this data directory (and the reports in it)",
    )
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="kolgraph-schemathesis-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    report_dir = data_dir / "schemathesis-report"
    config = data_dir / "schemathesis.toml"
    config.write_text(CONFIG)
    key = seed_store(data_dir)
    server, url = start_server(data_dir, data_dir / "server.log")
    command = [
        "st",
        "--config-file",
        str(config),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        args.workers,
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "60",
        # The key in both places the schema allows: otherwise schemathesis fills
        # the bearer alternative with generated tokens and most cases stop at 401.
        "-H",
        f"X-API-Key: {key}",
        "-H",
        f"Authorization: Bearer {key}",
        "--report",
        "ndjson,junit",
        "--report-dir",
        str(report_dir),
        "--output-sanitize",
        "true",
        "--report-ndjson-path",
        str(report_dir / "events.ndjson"),
    ]
    shown = [part.replace(key, "<admin key>") for part in command]
    print("$ " + " ".join(shown), flush=True)
    started = time.monotonic()
    try:
        code = subprocess.run(command, check=False).returncode
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        EmbeddedFalkorDB(data_dir).stop()
    result = summary(report_dir) | {
        "exit_code": code,
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result, indent=2))
    server_errors = (data_dir / "server.log").read_text().count("Traceback")
    print(f"server log tracebacks: {server_errors}")
    if args.keep is None:
        shutil.rmtree(data_dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
