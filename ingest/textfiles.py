"""Opening text sources: gzip or plain, UTF-8 (with or without BOM) or a declared fallback."""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kolgraph.errors import IngestError
from kolgraph.ingest.rejects import RejectLog


def open_binary(path: Path) -> IO[bytes]:
    """Open ``path`` for reading bytes, transparently un-gzipping ``.gz`` files."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return path.open("rb")


def detect_encoding(path: Path, fallbacks: tuple[str, ...] = ("cp1252",)) -> str:
    """The encoding to read a text file with: UTF-8 (BOM-aware) if the start decodes, else
    the first fallback that does.

    Raises
    ------
    IngestError
        If no candidate decodes the first megabyte.
    """
    with open_binary(path) as handle:
        head = handle.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    wide = wide_encoding(head)
    if wide:
        raise IngestError(
            f"{path}: the file is {wide} text; kolgraph reads UTF-8 (or "
            f"{', '.join(fallbacks)}): re-save or export it as UTF-8"
        )
    for encoding in ("utf-8", *fallbacks):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                return "utf-8"  # a multi-byte character cut by the probe's end
            continue
        return encoding
    raise IngestError(f"{path}: not UTF-8 text and not {', '.join(fallbacks)} either")


def wide_encoding(head: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when ``head`` looks like such text (a BOM, or NUL bytes in
    every other position), else None.

    Examples
    --------
    >>> wide_encoding("npi,name".encode("utf-16")), wide_encoding(b"npi,name")
    ('UTF-16', None)
    """
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = head[:4096]
    if len(sample) >= 8 and sample.count(0) * 3 > len(sample):
        return "UTF-16"  # no BOM, but a NUL beside nearly every ASCII character
    return None


def _undecodable(exc: UnicodeError) -> tuple[str, int]:
    raise IngestError(
        f"the file is not valid {exc.encoding} text further on ({exc.reason}); its start "
        "decoded, so it mixes encodings or is corrupt: re-export it as UTF-8"
    ) from exc


@functools.cache
def _prepare_reading() -> None:
    """Register the decode-error handler and allow CSV fields up to 16 MB (once, on first use).

    Both are process-wide settings, so they are made when ingest first reads a file rather
    than when the module is imported.
    """
    codecs.register_error("kolgraph-ingest", _undecodable)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # long abstracts, notes


def open_text(path: Path, encoding: str | None = None) -> IO[str]:
    """Open a (possibly gzipped) text file; newline='' so CSV readers see embedded newlines.

    A byte that does not decode after the probed start raises :class:`IngestError`
    (never a bare ``UnicodeDecodeError``), so the run stops with a clear message.
    """
    _prepare_reading()
    encoding = encoding or detect_encoding(path)
    return io.TextIOWrapper(
        open_binary(path), encoding=encoding, newline="", errors="kolgraph-ingest"
    )


def json_lines(path: Path, rejects: RejectLog) -> Iterator[tuple[str, Any]]:
    """Stream ``("line N", value)`` from a JSON Lines file; bad lines go to ``rejects``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "w.jsonl").write_text('{"a": 1}\\n\\n{oops\\n')
    >>> rejects = RejectLog(folder / "r.jsonl", source="test", file="w.jsonl")
    >>> list(json_lines(folder / "w.jsonl", rejects)), rejects.count
    ([('line 1', {'a': 1})], 1)
    """
    with open_text(path) as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield f"line {line_no}", json.loads(line)
            except json.JSONDecodeError as exc:
                rejects.add(f"line {line_no}", None, f"not JSON: {exc.msg}")
