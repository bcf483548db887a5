"""Fault-test fixtures: ``liveserver`` (a real service on loopback) is importable from here."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
