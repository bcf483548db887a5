"""Wall and CPU time of kolgraph commands run as the user runs them (subprocesses).

Usage:
    python benchmarks/command_times.py --data-dir DIR            # --help, status, roi --help
    python benchmarks/command_times.py --data-dir DIR --runs 3 -- analytics roi --format json

Each command runs once to warm the file cache, then ``--runs`` times; prints the median and
every run's wall seconds, the command's CPU seconds (``os.times`` of the child) and, when the
embedded FalkorDB of ``DIR`` is running, the server's CPU seconds over the run (from /proc).
On a shared machine CPU is the steadier figure. ``status`` needs a running store: run
``kolgraph init --data-dir DIR`` first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def server_cpu(data_dir: Path) -> float | None:
    """CPU seconds used so far by the embedded FalkorDB of ``data_dir``; None if not running."""
    try:
        pid = int((data_dir / "falkordb.pid").read_text().strip())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str], data_dir: Path) -> tuple[float, float, float | None]:
    """One run: wall seconds, the child's CPU seconds, the server's CPU seconds (or None)."""
    before, server = os.times(), server_cpu(data_dir)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after, server_after = os.times(), server_cpu(data_dir)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    cpu = (
        after.children_user + after.children_system - before.children_user - before.children_system
    )
    spent = None if server is None or server_after is None else server_after - server
    return wall, cpu, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("command", nargs="*", help="one kolgraph command (after --)")
    args = parser.parse_args()
    kolgraph = shutil.which("kolgraph") or sys.exit("no kolgraph on PATH")
    data = ["--data-dir", str(args.data_dir)]
    commands = (
        [args.command + data]
        if args.command
        else [["--help"], ["status", "--json", *data], ["analytics", "roi", "--help"]]
    )
    for command in commands:
        full = [sys.executable, kolgraph, *command]
        timed(full, args.data_dir)
        runs = [timed(full, args.data_dir) for _ in range(args.runs)]
        walls = [w for w, _, _ in runs]
        servers = [s for _, _, s in runs if s is not None]
        print(
            f"kolgraph {' '.join(command)}: median {statistics.median(walls):.3f} s "
            f"(runs {', '.join(f'{w:.2f}' for w in walls)}), command CPU median "
            f"{statistics.median(c for _, c, _ in runs):.2f} s"
            + (f", server CPU median {statistics.median(servers):.2f} s" if servers else "")
            + f", load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
