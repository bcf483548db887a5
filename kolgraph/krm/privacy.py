"""Data-subject requests for one HCP: export everything held, erase (pseudonymise) on request.

Erasure keeps the HCP's node and every relationship, so publication, referral,
engagement and spend totals stay exactly as they were (transparency reports and KPIs
do not change); what identifies the person goes: names, identifiers, address and
location on the HCP and on the source mentions resolved to it, every free-text field of
the records about the person (notes, objectives, outcomes, key messages), GPS fixes,
the old id inside other records' ids and inside audit events, and the id itself,
replaced by ``erased:<keyed hash>``. The hash is an HMAC-SHA256 under a per-installation
secret kept outside the graph (:func:`erasure_secret`), so hashing every public NPI does
not map a pseudonym back to the physician. The embedded store's append-only file is
then rewritten, so the erased values are gone from disk too. Both requests are written
to the audit log.

Examples
--------
>>> pseudonym("npi:1234567893", b"k" * 32).startswith("erased:")
True
>>> pseudonym("npi:1", b"k" * 32) == pseudonym("npi:1", b"x" * 32)
False
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kolgraph.errors import ConfigError, InvalidRequest
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import hcp_node
from kolgraph.store import GraphStore, score_pages
from kolgraph.store.packing import unpacked

# HCP properties that identify the person; scores, specialty and state stay (aggregates).
HCP_PERSONAL = (
    "name",
    "family",
    "given",
    "initials",
    "name_key",
    "npi",
    "orcid",
    "crm_id",
    "profile_id",
    "credential",
    "city",
    "postal_code",
    "lat",
    "lon",
    "institution",
    "email",
    "phone",
    "source_id",
    "address",
    "address_1",
    "address_2",
    "street",
    "fax",
    "website",
    "affiliation",
    "affiliations",
    "department_name",
    "location_source",
)
MENTION_PERSONAL = (
    "name",
    "family",
    "given",
    "initials",
    "name_key",
    "block_key",
    "affiliation",
    "affiliations",
    "orcid",
    "openalex_author",
    "npi",
    "crm_id",
    "email",
    "source_id",
)
ENGAGEMENT_PERSONAL = ("notes", "objective", "outcome", "key_messages", "lat", "lon", "datetime")
# Free text any record about the person may hold: cleared on every such record.
FREE_TEXT = (
    "notes",
    "objective",
    "objectives",
    "outcome",
    "key_messages",
    "comment",
    "comments",
    "free_text",
    "description",
)
PRESCRIBING_PERSONAL = ("npi",)


SECRET_FILE = "erasure.secret"
SECRET_ENV = "KOLGRAPH_ERASURE_SECRET"


def erasure_secret(store: GraphStore) -> bytes:
    """The installation's secret for pseudonyms, kept outside the graph.

    With the embedded store it is ``<data dir>/erasure.secret`` (32 random bytes, created
    on first use with mode 0600); with a remote store it comes from
    ``KOLGRAPH_ERASURE_SECRET`` (at least 32 characters). Losing it only means later
    erasures of the same id give another pseudonym; it never reveals an erased person.

    Raises
    ------
    ConfigError
        With a remote store and no usable ``KOLGRAPH_ERASURE_SECRET``.
    """
    data_dir = store.data_dir
    if data_dir is None:
        value = os.environ.get(SECRET_ENV, "")
        if len(value) < 32:
            raise ConfigError(
                f"set {SECRET_ENV} to a random secret of at least 32 "
                "characters (e.g. 'openssl rand -hex 32'); erasure pseudonyms "
                "are keyed with it"
            )
        return value.encode()
    path = Path(data_dir) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def pseudonym(hcp_id: str, secret: bytes) -> str:
    """The id an erased HCP gets: stable for one id and secret, not reversible without it.

    Examples
    --------
    >>> len(pseudonym("npi:1", b"s" * 32))
    23
    """
    digest = hmac.new(secret, f"kolgraph-erasure:{hcp_id}".encode(), hashlib.sha256)
    return "erased:" + digest.hexdigest()[:16]


# Records about the person, exported whole; other neighbours (papers, sessions) as links.
PERSONAL_RECORDS = (
    "Engagement",
    "Plan",
    "Score",
    "Mention",
    "PrescribingYear",
    "QuizResult",
    "SpeakerProposal",
)
_CLEARED = {
    "Mention": MENTION_PERSONAL,
    "Engagement": ENGAGEMENT_PERSONAL,
    "PrescribingYear": PRESCRIBING_PERSONAL,
}


def _scrubbed(value: Any, tokens: dict[str, str]) -> Any:
    """``value`` with every identifying token replaced (text and lists of text).

    Examples
    --------
    >>> _scrubbed(["rx:partd:1234567893:x", 3], {"1234567893": "erased:ab"})
    ['rx:partd:erased:ab:x', 3]
    """
    if isinstance(value, list):
        return [_scrubbed(v, tokens) for v in value]
    if isinstance(value, str):
        for token, replacement in tokens.items():
            value = value.replace(token, replacement)
    return value


def _score_scrubber(
    hcp_id: str, new_id: str, tokens: dict[str, str]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What an erasure does to a stored score record (:mod:`kolgraph.store.score_pages`):
    the person's id is replaced where it is a whole value (another HCP's id may contain
    it), names and identifiers anywhere in text, in every record (ties name their ends).
    """
    others = {token: new for token, new in tokens.items() if token != hcp_id}

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if value == hcp_id:
            return new_id
        return _scrubbed(value, others) if isinstance(value, str) else value

    def change(record: dict[str, Any]) -> dict[str, Any]:
        text = record.get("explanation")
        if isinstance(text, str) and not any(t in text for t in tokens):
            record = {k: v for k, v in record.items() if k != "explanation"}
            return {**scrub(record), "explanation": text}  # nothing of the person's in it
        explanation = json.loads(text) if isinstance(text, str) else None
        out = scrub({k: v for k, v in record.items() if k != "explanation"})
        out["explanation"] = json.dumps(scrub(explanation), sort_keys=True) if text else text
        return out

    return change


def _tokens(node: dict[str, Any], hcp_id: str, new_id: str) -> dict[str, str]:
    """What identifies the person inside other records: old id, identifiers, names."""
    tokens = {hcp_id: new_id}
    for field in ("npi", "orcid", "crm_id", "profile_id", "name", "family", "email"):
        value = node.get(field)
        if isinstance(value, str) and len(value) >= 4 and value != "[erased]":
            tokens.setdefault(value, "[erased]")
    return dict(sorted(tokens.items(), key=lambda kv: -len(kv[0])))  # longest first


def _linked(store: GraphStore, hcp_id: str) -> list[dict[str, Any]]:
    """Every node linked to the HCP, with packed text (score explanations) unpacked: the
    export shows it as text and the erasure scrubs identifiers inside it."""
    rows = [*store.run("subject_links_in", id=hcp_id), *store.run("subject_links_out", id=hcp_id)]
    return [{**row, "node": unpacked(dict(row["node"] or {}))} for row in rows]


def subject_export(store: GraphStore, viewer: Viewer, hcp_id: str) -> dict[str, Any]:
    """Everything held about one HCP: the node, records about it, its links, its audit trail.

    The audit trail holds the events on the HCP and on its engagements and plans.

    Raises
    ------
    AccessDenied
        Unless the role handles data-subject requests (compliance, admin).
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.HANDLE_PRIVACY_REQUESTS)
    node = hcp_node(store, hcp_id)
    records: dict[str, list[dict[str, Any]]] = {}
    links: list[dict[str, Any]] = []
    for row in _linked(store, hcp_id):
        if row["label"] in PERSONAL_RECORDS:
            records.setdefault(row["label"], []).append(
                {"relationship": row["type"], **dict(row["node"]), "link": row["props"]}
            )
        else:
            links.append(
                {"type": row["type"], "label": row["label"], "id": row["id"], "props": row["props"]}
            )
    for record in score_pages.hcp_records(store, hcp_id, legacy=False):
        run = record.pop("run")
        records.setdefault("Score", []).append(
            {"relationship": "IN_RUN", "run": run.get("id"), **record}
        )
    targets = [
        hcp_id,
        *sorted({r["id"] for label in ("Engagement", "Plan") for r in records.get(label, [])}),
    ]
    trail = [event for target in targets for event in _audit_trail(store, viewer, target)]
    audit.record(
        store,
        viewer,
        "privacy.export",
        hcp_id,
        {"records": sum(len(v) for v in records.values()), "links": len(links)},
    )
    return {"hcp": node, "records": records, "links": links, "audit": trail}


def _audit_trail(store: GraphStore, viewer: Viewer, target: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = audit.query_events(
            store,
            viewer,
            target=target,
            limit=audit.MAX_PAGE,
            after=events[-1]["id"] if events else None,
        )
        events += [event.model_dump() for event in page]
        if len(page) < audit.MAX_PAGE:
            return events


def erase_subject(
    store: GraphStore, viewer: Viewer, hcp_id: str, *, reference: str | None = None
) -> dict[str, Any]:
    """Pseudonymise one HCP's personal data; counts and aggregates stay as they were.

    Parameters
    ----------
    reference : str, optional
        The request's reference (ticket number), kept in the audit event.

    Raises
    ------
    AccessDenied
        Unless the role handles data-subject requests (compliance, admin).
    InvalidRequest
        If the HCP was erased before.
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.HANDLE_PRIVACY_REQUESTS)
    if hcp_id.startswith("erased:"):
        raise InvalidRequest(f"HCP {hcp_id!r} is already erased", "hcp_id")
    node = hcp_node(store, hcp_id)
    new_id = pseudonym(hcp_id, erasure_secret(store))
    tokens = _tokens(node, hcp_id, new_id)
    at = audit.audit_event(viewer, "privacy.erase", new_id)["props"]["at"]
    per_label: dict[str, dict[str, dict[str, Any]]] = {}
    for row in _linked(store, hcp_id):
        label, props = row["label"], dict(row["node"])
        if label == "HCP" or row["id"] is None:
            continue  # other physicians (referral partners) are not this person's records
        gone = set(_CLEARED.get(label, ())) | (
            set(FREE_TEXT) if label in PERSONAL_RECORDS else set()
        )
        cleared = {k: _scrubbed(v, tokens) for k, v in props.items() if k not in gone}
        if cleared != props:
            per_label.setdefault(label, {})[row["id"]] = {"id": row["id"], "props": cleared}
    kept = {k: v for k, v in node.items() if k not in HCP_PERSONAL}
    kept.update(id=new_id, name="[erased]", erased=True, erased_at=at)
    store.run("replace_node_properties", {"label": "HCP"}, rows=[{"id": hcp_id, "props": kept}])
    changed = 0
    for label, rows in sorted(per_label.items()):
        changed += store.write("replace_node_properties", list(rows.values()), {"label": label})
    changed += score_pages.rewrite_pages(store, _score_scrubber(hcp_id, new_id, tokens))
    events = int(
        store.run(
            "audit_pseudonymise_subject",
            old=hcp_id,
            new=new_id,
            quoted=json.dumps(hcp_id),
            new_quoted=json.dumps(new_id),
        )[0]["n"]
    )
    audit.record(
        store,
        viewer,
        "privacy.erase",
        new_id,
        {
            "request_reference": (reference or "")[:200],
            "records_cleared": changed,
            "audit_events_pseudonymised": events,
        },
    )
    rewritten = rewrite_persistence(store)
    return {
        "hcp_id": new_id,
        "records_cleared": changed,
        "audit_events_pseudonymised": events,
        "persistence_rewritten": rewritten,
        "erased_at": at,
    }


def rewrite_persistence(store: GraphStore, timeout: float = 120.0) -> bool:
    """Rewrite the embedded store's append-only file so erased values leave the disk.

    Returns False for a store without one (Neo4j keeps its own transaction logs, see
    docs/security.md). Waits for the rewrite to finish.
    """
    server = getattr(store, "server", None)
    rewrite = getattr(server, "rewrite_aof", None)
    if rewrite is None:
        return False
    rewrite(timeout)
    return True
