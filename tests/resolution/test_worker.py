"""The resolver process: decisions as inline, and a close that lets it stop meanwhile."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.resolver import ResolutionIndex, resolve_mentions
from kolgraph.resolution.worker import ResolverProcess


def _mentions() -> list[MentionIn]:
    return [
        MentionIn(
            id=f"mention:x:{k}:1",
            source="x",
            family="Okafor",
            given="Ngozi A",
            affiliations=["Lagos University Teaching Hospital, Lagos, Nigeria"],
            coauthors=["okafor n", "adeyemi t"],
            topics=["D006973"],
        )
        for k in range(3)
    ] + [MentionIn(id="mention:x:9:1", source="x", name="J Doe", npi="1234567893")]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_process_decides_as_resolving_inline_and_stops_after_a_late_close():
    inline = resolve_mentions(None, _mentions(), index=ResolutionIndex())
    resolver = ResolverProcess()
    try:
        pid = resolver.started.result(timeout=60)
        resolved = resolver.submit(_mentions()).result(timeout=60)
        assert [(r.hcp_id, r.method) for r in resolved] == [(r.hcp_id, r.method) for r in inline]
        assert resolved[-1].hcp_id == "npi:1234567893"
        resolver.close(wait=False)  # returns while the worker stops
    finally:
        resolver.close()  # waits for it
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid)


def test_a_batch_submitted_after_the_process_died_fails_as_the_others():
    with ResolverProcess() as resolver:
        pid = resolver.started.result(timeout=60)
        os.kill(pid, signal.SIGKILL)
        first = resolver.submit(_mentions())
        with pytest.raises(BrokenProcessPool):
            first.result(timeout=60)
        # the pool knows it is broken now: submitting does not raise, its future fails
        later = resolver.submit(_mentions())
        assert isinstance(later.exception(timeout=60), BrokenProcessPool)
