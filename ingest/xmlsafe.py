"""Safe XML for the loaders: parser settings that never expand entities, load a DTD or touch
the network, and a prolog check that refuses any file declaring entities.

PubMed and ClinicalTrials.gov files never declare entities, so a file that does is refused
before a record is read. The check parses the whole prolog (XML declaration, comments,
processing instructions, DOCTYPE with its internal subset), however long, up to the root
element's start tag, and asks lxml for the entities the internal subset declared: a
padding comment cannot push a declaration out of sight.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from kolgraph.errors import IngestError
from kolgraph.ingest.textfiles import open_binary

#: lxml parser settings every XML loader uses.
PARSER_ARGS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Prolog:
    """What the prolog of an XML document holds: the root element's tag and the names of
    the entities (general and parameter) its DOCTYPE declares."""

    root: str
    entities: tuple[str, ...]


def read_prolog(path: Path) -> Prolog:
    """Parse ``path`` (plain or gzip) up to the start of its root element.

    Reads in chunks and stops at the root's start tag, so a file's size does not matter
    and the prolog's does not either.

    >>> import tempfile
    >>> doc = ('<?xml version="1.0"?><!--' + "x" * 70_000 + '--><!DOCTYPE set ['
    ...        '<!ENTITY % p "q"><!ENTITY e SYSTEM "file:///etc/passwd">]><set>&e;</set>')
    >>> with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
    ...     _ = f.write(doc); f.flush()
    ...     read_prolog(Path(f.name))
    Prolog(root='set', entities=('p', 'e'))

    Raises
    ------
    IngestError
        If the file is not well-formed before its root element, has none, or cannot be read.
    """
    parser = etree.XMLPullParser(events=("start",), **PARSER_ARGS)
    error: etree.XMLSyntaxError | None = None
    try:
        with open_binary(path) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    parser.close()
                    break
                try:
                    parser.feed(chunk)
                except etree.XMLSyntaxError as exc:  # events parsed before it are kept
                    error = exc
                for _, element in parser.read_events():
                    return _prolog_of(element)
                if error is not None:
                    break
    except etree.XMLSyntaxError as exc:  # from close(): the document ended early
        error = exc
    except (OSError, EOFError) as exc:
        raise IngestError(f"{path}: cannot read the file ({exc})") from exc
    detail = f" ({error.msg})" if error is not None else ""
    raise IngestError(f"{path}: not well-formed XML before its root element{detail}")


def _prolog_of(element: etree._Element) -> Prolog:
    dtd = element.getroottree().docinfo.internalDTD
    names = tuple(str(e.name) for e in dtd.entities()) if dtd is not None else ()
    return Prolog(str(element.tag), names)


def refuse_entity_declarations(path: Path, source: str) -> Prolog:
    """Raise if ``path`` declares any XML entity; return its prolog otherwise.

    ``source`` names the kind of file in the message ("PubMed files never do").

    Raises
    ------
    IngestError
        If the DOCTYPE declares an entity, or the prolog is unreadable.
    """
    prolog = read_prolog(path)
    if prolog.entities:
        shown = ", ".join(prolog.entities[:5]) + (", ..." if len(prolog.entities) > 5 else "")
        raise IngestError(
            f"{path}: the document declares XML entities ({shown}); {source} "
            "files never do, and kolgraph does not expand them (refusing the file)"
        )
    return prolog
