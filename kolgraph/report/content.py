"""What a KOL's one-page report shows, gathered from the KRM core functions.

The report is read as a :class:`~kolgraph.krm.access.Viewer` like any API caller, so the
department firewall and the spend rule hold on paper too, and the read is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from kolgraph.errors import UnknownHcp
from kolgraph.krm.access import Viewer
from kolgraph.krm.contacts import contact_tracking
from kolgraph.krm.engagements import engagement_history
from kolgraph.krm.network import ego_network
from kolgraph.krm.policy import KrmPolicy
from kolgraph.krm.profiles import hcp_node, hcp_profile
from kolgraph.krm.results.contacts import Contacts
from kolgraph.krm.results.engagements import Engagement
from kolgraph.krm.results.network import Network
from kolgraph.krm.results.profile import Profile
from kolgraph.krm.search import lookup_hcp
from kolgraph.store import GraphStore

_NPI = re.compile(r"^\d{10}$")
_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
REPORT_VIEWER = Viewer("report", "krm_manager", "krm")


@dataclass
class ReportContent:
    """Everything on the page; ``network`` feeds the picture."""

    hcp_id: str
    profile: Profile
    contacts: Contacts
    history: list[Engagement]
    network: Network
    generated_at: str
    viewer: Viewer
    notes: list[str] = field(default_factory=list)


def resolve_hcp(store: GraphStore, viewer: Viewer, identifier: str) -> str:
    """The HCP id for ``identifier``: a kolgraph id, a 10-digit NPI or an ORCID.

    Raises
    ------
    UnknownHcp
        If nothing matches; the message says which forms are accepted.
    """
    text = identifier.strip()
    kinds = [("npi", text)] if _NPI.match(text) else [("orcid", text)] if _ORCID.match(text) else []
    for kind, value in kinds:
        try:
            return lookup_hcp(store, viewer, kind, value).id
        except UnknownHcp:
            pass
    for candidate in (text, *(f"{kind}:{value}" for kind, value in kinds)):
        try:
            return str(hcp_node(store, candidate)["id"])
        except UnknownHcp:
            continue
    raise UnknownHcp(
        f"no HCP {text!r}; give a kolgraph id (npi:1234567890, orcid:..., hcp:...), "
        "a 10-digit NPI or an ORCID"
    )


def report_content(
    store: GraphStore,
    identifier: str,
    *,
    viewer: Viewer = REPORT_VIEWER,
    policy: KrmPolicy | None = None,
    as_of: date | None = None,
    history_limit: int = 25,
    max_nodes: int = 40,
) -> ReportContent:
    """Profile, scores and explanation, contacts and conflicts, history and ego network.

    Raises
    ------
    UnknownHcp
        If ``identifier`` matches no HCP.
    """
    hcp_id = resolve_hcp(store, viewer, identifier)
    profile = hcp_profile(store, viewer, hcp_id)
    contacts = contact_tracking(store, viewer, hcp_id, policy or KrmPolicy(), as_of=as_of)
    history = engagement_history(store, viewer, hcp_id, limit=history_limit).items
    network = ego_network(store, viewer, hcp_id, hops=1, max_nodes=max_nodes)
    notes = []
    if profile.explanation is None:
        notes.append("no score explanation yet: run 'kolgraph score'")
    if network.truncated:
        notes.append(f"network cut at {max_nodes} people")
    return ReportContent(
        hcp_id=hcp_id,
        profile=profile,
        contacts=contacts,
        history=history,
        network=network,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        viewer=viewer,
        notes=notes,
    )
