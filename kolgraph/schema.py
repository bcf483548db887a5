"""The property graph's vocabulary: node labels, relationship types, keys and indexes.

This is the allow-list that Cypher templates draw labels and types from; nothing a
user types ever becomes a label. ``docs/schema.md`` draws the same graph.

Every node has a unique ``id`` (a stable, source-derived string such as ``pmid:123``
or ``npi:1234567890``) and provenance properties (``source``, ``source_id``,
``loaded_at``, ``run_id``).

Examples
--------
>>> NODE_LABELS["HCP"].indexed[:3]
('npi', 'orcid', 'crm_id')
>>> check_label("HCP")
'HCP'
"""

from __future__ import annotations

from dataclasses import dataclass

from kolgraph.errors import UnknownIdentifier


@dataclass(frozen=True)
class NodeLabel:
    """A node label: its unique key is always ``id``; ``indexed`` are lookup properties."""

    name: str
    description: str
    indexed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelType:
    """A relationship type and the labels it may connect."""

    name: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    description: str


_LABELS = [
    NodeLabel(
        "HCP",
        "a physician or other health-care professional; KOLs are HCPs with scores",
        (
            "npi",
            "orcid",
            "crm_id",
            "profile_id",
            "name_key",
            "tier",
            "segment",
            "community",
            "influence",
        ),
    ),
    NodeLabel(
        "Mention",
        "one appearance of a person in one source record (author, speaker, "
        "NPI row, CRM account, payment recipient), resolved to an HCP",
        ("source", "name_key", "block_key"),
    ),
    NodeLabel("Publication", "a paper (PubMed, OpenAlex, Crossref)", ("pmid", "doi", "year")),
    NodeLabel("Journal", "a journal or other venue", ("issn",)),
    NodeLabel("Topic", "a MeSH heading, OpenAlex topic or concept", ("name",)),
    NodeLabel("Institution", "a hospital, university or company", ("ror", "name_key")),
    NodeLabel("Congress", "a congress edition (name + year)", ("year",)),
    NodeLabel("Session", "one session of a congress programme", ()),
    NodeLabel("Trial", "a clinical trial (ClinicalTrials.gov NCT id)", ("nct_id",)),
    NodeLabel("Department", "a company department: sales, marketing, medical affairs, ...", ()),
    NodeLabel("Employee", "a rep, MSL or manager of the company", ("department",)),
    NodeLabel(
        "Engagement",
        "any contact with or payment to an HCP by the company",
        ("crm_id", "date", "department", "type"),
    ),
    NodeLabel("Plan", "a KRM plan for one KOL", ("hcp_id",)),
    NodeLabel("ScoreRun", "one scoring run: parameters, time, data version", ("created_at",)),
    NodeLabel("ScorePage", "a page of one ScoreRun's HCPs: their scores and explanations", ()),
    NodeLabel(
        "Score", "one HCP's scores within one ScoreRun (runs stored before pages)", ("hcp_id",)
    ),
    NodeLabel("IngestRun", "one loader run over one file", ("source",)),
    NodeLabel("Manufacturer", "a paying manufacturer or GPO (Open Payments)", ()),
    NodeLabel(
        "Payment",
        "an industry payment to an HCP as Open Payments discloses it, by "
        "any manufacturer; ours only when the manufacturer is our company",
        ("hcp_id", "date", "manufacturer"),
    ),
    NodeLabel("Product", "a drug, biological or device", ()),
    NodeLabel(
        "ApiKey", "a service API key: role, department; only its sha256 is stored", ("key_id",)
    ),
    NodeLabel(
        "AuditEvent",
        "one append-only audit record of a service read or write",
        ("at", "actor", "target"),
    ),
    NodeLabel(
        "PrescribingYear",
        "one prescriber's claims for one drug in one year "
        "(Medicare Part D prescribers by provider and drug)",
        ("npi", "year"),
    ),
    NodeLabel(
        "QuizResult",
        "one HCP's quiz or survey score on one knowledge dimension",
        ("hcp_id", "dimension"),
    ),
    NodeLabel(
        "SpeakerProposal", "a recorded speaker proposal: the HCP, its rank and why", ("hcp_id",)
    ),
    NodeLabel(
        "ConflictAck",
        "a cross-department conflict someone has acknowledged (audited)",
        ("hcp_id", "key"),
    ),
]

_RELS = [
    RelType("RESOLVED_TO", ("Mention",), ("HCP",), "the HCP a mention was resolved to"),
    RelType(
        "APPEARS_IN",
        ("Mention",),
        ("Publication", "Session", "Trial", "Engagement", "Payment"),
        "where a mention stands",
    ),
    RelType(
        "AUTHORED",
        ("HCP",),
        ("Publication",),
        "authorship with position (first/middle/last) and order",
    ),
    RelType("PUBLISHED_IN", ("Publication",), ("Journal",), "venue of a paper"),
    RelType(
        "HAS_TOPIC",
        ("Publication", "Session", "Trial"),
        ("Topic",),
        "MeSH heading or topic; major=true for major topics",
    ),
    RelType("AFFILIATED_WITH", ("HCP", "Mention"), ("Institution",), "affiliation"),
    RelType("PART_OF", ("Session",), ("Congress",), "a session belongs to a congress"),
    RelType(
        "PRESENTED_AT",
        ("HCP",),
        ("Session",),
        "a congress role: chair, moderator, invited speaker, abstract, poster, panelist",
    ),
    RelType("INVESTIGATOR_OF", ("HCP",), ("Trial",), "PI, sub-investigator or official"),
    RelType(
        "REFERS_TO",
        ("HCP",),
        ("HCP",),
        "shared-patient referral tie: pair_count, bene_count, same_day_count",
    ),
    RelType("MEMBER_OF", ("Employee",), ("Department",), "employee's department"),
    RelType("WITH_HCP", ("Engagement",), ("HCP",), "the HCP an engagement concerns"),
    RelType("BY", ("Engagement",), ("Employee",), "who carried out an engagement"),
    RelType("ACK_FOR", ("ConflictAck",), ("HCP",), "the KOL whose conflict was acknowledged"),
    RelType("OWNED_BY", ("Engagement", "Plan"), ("Department",), "the owning department"),
    RelType("FOR_HCP", ("Plan",), ("HCP",), "the KOL a plan is for"),
    RelType("SCORES", ("Score",), ("HCP",), "a score record's HCP"),
    RelType("IN_RUN", ("ScorePage", "Score"), ("ScoreRun",), "a page's (or score record's) run"),
    RelType("PAID_BY", ("Engagement", "Payment"), ("Manufacturer",), "payer of a payment"),
    RelType(
        "ABOUT_PRODUCT", ("Engagement", "Payment"), ("Product",), "product discussed or paid for"
    ),
    RelType("PAID_TO", ("Payment",), ("HCP",), "the HCP an industry payment was made to"),
    RelType("SAME_AS", ("HCP",), ("HCP",), "a decided merge kept for undo"),
    RelType("PRESCRIBED", ("HCP",), ("PrescribingYear",), "a prescriber's yearly claims record"),
    RelType("OF_PRODUCT", ("PrescribingYear",), ("Product",), "the drug a claims record counts"),
    RelType("ANSWERED", ("HCP",), ("QuizResult",), "a quiz or survey result of an HCP"),
    RelType("PROPOSES", ("SpeakerProposal",), ("HCP",), "the HCP a speaker proposal names"),
]

NODE_LABELS: dict[str, NodeLabel] = {label.name: label for label in _LABELS}
REL_TYPES: dict[str, RelType] = {rel.name: rel for rel in _RELS}

PROVENANCE = ("source", "source_id", "loaded_at", "run_id")


def check_label(name: str) -> str:
    """Return ``name`` if it is an allowed node label.

    Raises
    ------
    UnknownIdentifier
        If the label is not in :data:`NODE_LABELS`.

    Examples
    --------
    >>> check_label("Nope")
    Traceback (most recent call last):
    ...
    kolgraph.errors.UnknownIdentifier: unknown node label 'Nope'; allowed: ...
    """
    if name not in NODE_LABELS:
        allowed = ", ".join(sorted(NODE_LABELS))
        raise UnknownIdentifier(f"unknown node label {name!r}; allowed: {allowed}")
    return name


def check_rel_type(name: str) -> str:
    """Return ``name`` if it is an allowed relationship type.

    Examples
    --------
    >>> check_rel_type("AUTHORED")
    'AUTHORED'
    """
    if name not in REL_TYPES:
        allowed = ", ".join(sorted(REL_TYPES))
        raise UnknownIdentifier(f"unknown relationship type {name!r}; allowed: {allowed}")
    return name


# The numbers a scoring run writes on each Score (and, for a run over all evidence, on the
# HCP): kolgraph.scoring.runs writes them, search sorts by them.
SCORED_NUMBERS = (
    "influence",
    "scientific",
    "congress",
    "trials",
    "network",
    "referral",
    "pagerank",
    "eigenvector",
    "betweenness",
    "harmonic",
    "degree",
    "strength",
    "reach_1",
    "reach_2",
    "spread",
    "prescribing_potential",
    "cooperation",
    "rising_score",
)
# Properties that Cypher templates may name (ORDER BY, DDL); anything else is refused.
SCORE_PROPERTIES = (*SCORED_NUMBERS, "publications")
PROPERTY_NAMES: frozenset[str] = frozenset(
    {"id", "name", "date", *SCORE_PROPERTIES}
    | {prop for label in _LABELS for prop in label.indexed}
)


def check_property(name: str) -> str:
    """Return ``name`` if a Cypher template may use it as a property name.

    Examples
    --------
    >>> check_property("influence")
    'influence'
    """
    if name not in PROPERTY_NAMES:
        allowed = ", ".join(sorted(PROPERTY_NAMES))
        raise UnknownIdentifier(f"unknown property {name!r}; allowed: {allowed}")
    return name
