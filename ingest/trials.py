"""ClinicalTrials.gov studies -> Trials, condition Topics and investigator roles.

Three shapes, told apart by content:

* API v2 JSON: one study (``{"protocolSection": ...}``), a search page
  (``{"studies": [...]}``), a list of studies, or JSON Lines (``.jsonl``/``.ndjson``);
* the retired classic API's ``{"FullStudiesResponse": {"FullStudies": [...]}}``;
* the retired public XML (``<clinical_study>``; several per file are fine), parsed as a
  stream with entity expansion, DTD loading and network access switched off.

Each study becomes ``(:Trial {id: "nct:<NCT>"})`` with ``HAS_TOPIC`` to its conditions
(``condition:<slug>``) and MeSH condition terms (``mesh:<id>``) when given. Overall officials
(principal investigator, study chair, study director) and site investigators are person
mentions resolved to HCPs with ``(:HCP)-[:INVESTIGATOR_OF {role}]->(:Trial)``. An official
who is an organisation ("Bristol-Myers Squibb", "Medical Director") is not a person: it is
skipped with a note in the reject file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import BaseModel

from kolgraph.errors import IngestError
from kolgraph.ingest import fields
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.people import mention_id, resolve_people
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import Loader, Record
from kolgraph.ingest.textfiles import open_binary
from kolgraph.ingest.xmlsafe import PARSER_ARGS, refuse_entity_declarations
from kolgraph.mesh import is_check_tag
from kolgraph.places import Place, country_code, place_of, state_code
from kolgraph.resolution import MentionIn
from kolgraph.store import GraphStore

_NCT = re.compile(r"^NCT\d{8}$")
_ROLES = {
    "principal investigator": "principal_investigator",
    "study chair": "study_chair",
    "study director": "study_director",
    "sub-investigator": "sub_investigator",
    "sub investigator": "sub_investigator",
}
_DEGREE = re.compile(
    r"^(?:[A-Z][A-Za-z.]{0,7}|prof\.?|professor|dr\.?|master|doctor"
    r"|m\.?d\.?,? ?ph\.?d\.?)$",
    re.I,
)
_NOT_PERSON = re.compile(
    r"\b(inc|ltd|llc|gmbh|corp|corporation|company|pharma\w*|therapeutics|biosciences"
    r"|laborator\w+|s\.?a\.?|ag|plc|director|monitor|clinical (?:trials?|development|"
    r"research|operations|program)|call|center|centre|sponsor|study team|group|"
    r"department|hospital|university|institute|medical affairs|transparency)\b",
    re.I,
)


class Person(BaseModel):
    """An official or a site investigator of a study."""

    name: str
    role: str
    affiliation: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    email: str | None = None


class Study(BaseModel):
    """One ClinicalTrials.gov study."""

    nct_id: str
    title: str | None = None
    phase: str | None = None
    status: str | None = None
    sponsor: str | None = None
    start_date: str | None = None
    conditions: list[str] = []
    mesh: list[tuple[str | None, str]] = []
    people: list[Person] = []
    dropped: list[str] = []  # officials that are organisations, not people


def role_of(text: str | None) -> str | None:
    """``principal_investigator`` etc. from any spelling of a CT.gov role.

    Examples
    --------
    >>> role_of("PRINCIPAL_INVESTIGATOR"), role_of("Study Director"), role_of("Contact")
    ('principal_investigator', 'study_director', None)
    """
    if not text:
        return None
    return _ROLES.get(text.replace("_", " ").strip().lower())


def person_name(raw: str | None) -> str | None:
    """The name without trailing degrees ("Jane Roe, MD, PhD" -> "Jane Roe").

    Examples
    --------
    >>> person_name("Emmanuel Mandonnet, MD, PhD"), person_name("Nagwa A Sabri, professor")
    ('Emmanuel Mandonnet', 'Nagwa A Sabri')
    >>> person_name("Carla I. Falkson")
    'Carla I. Falkson'
    """
    name = fields.text(raw)
    if name is None:
        return None
    head, *tail = [p.strip() for p in name.split(",")]
    if tail and all(_DEGREE.match(p) for p in tail if p):
        return head
    return name


def person_place(person: Person) -> Place:
    """A person's place: the site's city/state/country (country as ISO code), else what the
    affiliation string names (an overall official has only an affiliation).

    >>> person_place(Person(name="A B", role="x", affiliation="Mayo Clinic, Rochester, MN"))
    Place(city='Rochester', state='MN', country='US')
    """
    country = country_code(person.country) or person.country
    if not (country or person.city):
        return place_of(person.affiliation)
    state = state_code(person.state) if country == "US" else None
    return Place(person.city, state or person.state, country)


def is_person(name: str, study: Study, affiliation: str | None) -> bool:
    """False for officials that are organisations or job titles.

    Examples
    --------
    >>> s = Study(nct_id="NCT00000001", sponsor="Mark Loeb")
    >>> is_person("Bristol-Myers Squibb", s, "Bristol-Myers Squibb")
    False
    >>> is_person("Medical Director", s, None), is_person("Mark Loeb", s, "McMaster University")
    (False, True)
    """
    if affiliation and name.lower() == affiliation.lower():
        return False  # an organisation named as its own official
    return not (_NOT_PERSON.search(name) or any(ch.isdigit() for ch in name))


def phase_of(phases: list[str]) -> str | None:
    """One phase label from v2 codes, classic or XML labels.

    Examples
    --------
    >>> phase_of(["PHASE1", "PHASE2"]), phase_of(["Phase 3"]), phase_of(["NA"])
    ('Phase 1/Phase 2', 'Phase 3', 'N/A')
    """
    labels = []
    for phase in phases:
        text = phase.strip().upper().replace("_", " ").replace("PHASE ", "PHASE")
        if text in ("NA", "N/A", ""):
            labels.append("N/A")
        elif "/" in phase:
            labels.extend(p.strip() for p in phase.split("/"))
        else:
            early = text.startswith("EARLY")
            number = text.removeprefix("EARLY").strip().removeprefix("PHASE")
            labels.append(("Early " if early else "") + f"Phase {number.strip()}")
    labels = list(dict.fromkeys(labels))
    return "/".join(labels) if labels else None


def status_of(text: str | None) -> str | None:
    """``active_not_recruiting`` from "Active, not recruiting" or ACTIVE_NOT_RECRUITING."""
    cleaned = fields.text(text)
    return re.sub(r"[^a-z]+", "_", cleaned.lower()).strip("_") if cleaned else None


def _date(text: str | None) -> str | None:
    return fields.iso_date(text, allow_future=True) if fields.text(text) else None


def study_from_v2(data: dict[str, Any]) -> Study:
    """Parse one API v2 study."""
    section = data.get("protocolSection") or {}
    ident = section.get("identificationModule") or {}
    status = section.get("statusModule") or {}
    contacts = section.get("contactsLocationsModule") or {}
    people = [
        Person(
            name=o.get("name") or "",
            role=role_of(o.get("role")) or "official",
            affiliation=fields.text(o.get("affiliation")),
        )
        for o in contacts.get("overallOfficials") or []
    ]
    for loc in contacts.get("locations") or []:
        for contact in loc.get("contacts") or []:
            role = role_of(contact.get("role"))
            if role in ("principal_investigator", "sub_investigator"):
                people.append(
                    Person(
                        name=contact.get("name") or "",
                        role=_site_role(role),
                        affiliation=fields.text(loc.get("facility")),
                        city=loc.get("city"),
                        state=loc.get("state"),
                        country=loc.get("country"),
                        email=fields.text(contact.get("email")),
                    )
                )
    browse = (data.get("derivedSection") or {}).get("conditionBrowseModule") or {}
    return Study(
        nct_id=str(ident.get("nctId") or ""),
        title=ident.get("briefTitle"),
        phase=phase_of((section.get("designModule") or {}).get("phases") or []),
        status=status_of(status.get("overallStatus")),
        sponsor=((section.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}).get(
            "name"
        ),
        start_date=_date((status.get("startDateStruct") or {}).get("date")),
        conditions=(section.get("conditionsModule") or {}).get("conditions") or [],
        mesh=[(m.get("id"), m.get("term")) for m in browse.get("meshes") or [] if m.get("term")],
        people=people,
    )


def _site_role(role: str | None) -> str:
    return "sub_investigator" if role == "sub_investigator" else "site_investigator"


def study_from_classic(data: dict[str, Any]) -> Study:
    """Parse one study of the classic API's FullStudiesResponse."""
    section = (data.get("Study") or data).get("ProtocolSection") or {}
    derived = (data.get("Study") or data).get("DerivedSection") or {}
    ident = section.get("IdentificationModule") or {}
    status = section.get("StatusModule") or {}
    contacts = section.get("ContactsLocationsModule") or {}
    officials = (contacts.get("OverallOfficialList") or {}).get("OverallOfficial") or []
    people = [
        Person(
            name=o.get("OverallOfficialName") or "",
            role=role_of(o.get("OverallOfficialRole")) or "official",
            affiliation=fields.text(o.get("OverallOfficialAffiliation")),
        )
        for o in officials
    ]
    for loc in (contacts.get("LocationList") or {}).get("Location") or []:
        for contact in (loc.get("LocationContactList") or {}).get("LocationContact") or []:
            role = role_of(contact.get("LocationContactRole"))
            if role in ("principal_investigator", "sub_investigator"):
                people.append(
                    Person(
                        name=contact.get("LocationContactName") or "",
                        role=_site_role(role),
                        affiliation=fields.text(loc.get("LocationFacility")),
                        city=loc.get("LocationCity"),
                        state=loc.get("LocationState"),
                        country=loc.get("LocationCountry"),
                        email=fields.text(contact.get("LocationContactEMail")),
                    )
                )
    browse = derived.get("ConditionBrowseModule") or {}
    meshes = (browse.get("ConditionMeshList") or {}).get("ConditionMesh") or []
    return Study(
        nct_id=str(ident.get("NCTId") or ""),
        title=ident.get("BriefTitle"),
        phase=phase_of(
            ((section.get("DesignModule") or {}).get("PhaseList") or {}).get("Phase") or []
        ),
        status=status_of(status.get("OverallStatus")),
        sponsor=((section.get("SponsorCollaboratorsModule") or {}).get("LeadSponsor") or {}).get(
            "LeadSponsorName"
        ),
        start_date=_date((status.get("StartDateStruct") or {}).get("StartDate")),
        conditions=((section.get("ConditionsModule") or {}).get("ConditionList") or {}).get(
            "Condition"
        )
        or [],
        mesh=[
            (m.get("ConditionMeshId"), m.get("ConditionMeshTerm"))
            for m in meshes
            if m.get("ConditionMeshTerm")
        ],
        people=people,
    )


def study_from_xml(element: etree._Element) -> Study:
    """Parse one ``<clinical_study>`` element of the legacy public XML."""

    def text(path: str, node: etree._Element = element) -> str | None:
        return fields.text(node.findtext(path))

    people = [
        Person(
            name=text("last_name", o) or "",
            role=role_of(text("role", o)) or "official",
            affiliation=text("affiliation", o),
        )
        for o in element.iterfind("overall_official")
    ]
    for loc in element.iterfind("location"):
        for inv in loc.iterfind("investigator"):
            people.append(
                Person(
                    name=text("last_name", inv) or "",
                    role=_site_role(role_of(text("role", inv))),
                    affiliation=text("facility/name", loc),
                    city=text("facility/address/city", loc),
                    state=text("facility/address/state", loc),
                    country=text("facility/address/country", loc),
                )
            )
    return Study(
        nct_id=text("id_info/nct_id") or "",
        title=text("brief_title"),
        phase=phase_of([p.text for p in element.iterfind("phase") if p.text]),
        status=status_of(text("overall_status")),
        sponsor=text("sponsors/lead_sponsor/agency"),
        start_date=_date(text("start_date")),
        conditions=[c.text.strip() for c in element.iterfind("condition") if c.text],
        mesh=[
            (None, m.text.strip()) for m in element.iterfind("condition_browse/mesh_term") if m.text
        ],
        people=people,
    )


def _kind(path: Path) -> str:
    if path.suffix.lower() in (".jsonl", ".ndjson") or path.name.endswith(
        (".jsonl.gz", ".ndjson.gz")
    ):
        return "jsonl"
    with open_binary(path) as handle:
        head = handle.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json"
    return "unknown"


def _json_studies(body: Any) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(body, list):
        return "v2", body
    if isinstance(body, dict):
        if "FullStudiesResponse" in body:
            return "classic", body["FullStudiesResponse"].get("FullStudies") or []
        if "studies" in body:
            return "v2", body["studies"]
        if "protocolSection" in body:
            return "v2", [body]
    raise ValueError(
        'expected an API v2 study, {"studies": [...]}, or a classic FullStudiesResponse'
    )


def _parser_args() -> dict[str, Any]:
    return dict(PARSER_ARGS)


class TrialsLoader(Loader):
    """Loads ClinicalTrials.gov studies (API v2 JSON, classic JSON, legacy XML)."""

    source = "trials"

    def check(self, path: Path) -> None:
        kind = _kind(path)
        if kind == "unknown":
            raise IngestError(
                f"{path}: not ClinicalTrials.gov JSON or XML (the file starts "
                "with neither '{', '[' nor '<')"
            )
        if kind == "json":
            try:
                with open_binary(path) as handle:
                    _json_studies(json.load(handle))
            except (ValueError, UnicodeDecodeError) as exc:
                raise IngestError(f"{path}: not a ClinicalTrials.gov JSON file: {exc}") from exc
        if kind == "xml":
            root = refuse_entity_declarations(path, "ClinicalTrials.gov").root
            if root not in ("clinical_study", "clinical_studies"):
                raise IngestError(
                    f"{path}: XML root is <{root}>, expected "
                    "<clinical_study> (ClinicalTrials.gov public XML)"
                )

    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        kind = _kind(path)
        if kind == "xml":
            yield from self._xml_records(path, rejects)
            return
        if kind == "jsonl":
            with open_binary(path) as handle:
                for line_no, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        study = study_from_v2(json.loads(line))
                    except (ValueError, AttributeError) as exc:
                        rejects.add(f"line {line_no}", None, f"not a study: {exc}")
                        continue
                    yield from self._checked(study, f"line {line_no}", rejects)
            return
        with open_binary(path) as handle:
            shape, studies = _json_studies(json.load(handle))
        parse = study_from_v2 if shape == "v2" else study_from_classic
        for n, data in enumerate(studies, start=1):
            try:
                study = parse(data)
            except (ValueError, AttributeError, TypeError) as exc:
                rejects.add(f"study {n}", None, f"unreadable study: {exc}")
                continue
            yield from self._checked(study, f"study {n}", rejects)

    def _xml_records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        with open_binary(path) as handle:
            try:
                for n, (_, element) in enumerate(
                    etree.iterparse(handle, tag="clinical_study", **_parser_args()), start=1
                ):
                    try:
                        study = study_from_xml(element)
                    except ValueError as exc:
                        rejects.add(f"study {n}", None, str(exc))
                        continue
                    finally:
                        element.clear()
                    yield from self._checked(study, f"study {n}", rejects)
            except etree.XMLSyntaxError as exc:
                raise IngestError(f"{path}: XML breaks off: {exc}") from exc

    def _checked(self, study: Study, where: str, rejects: RejectLog) -> Iterator[Record]:
        nct = study.nct_id.strip().upper()
        if not _NCT.match(nct):
            rejects.add(where, "nct_id", f"not an NCT id: {study.nct_id!r}")
            return
        kept: list[Person] = []
        for person in study.people:
            name = person_name(person.name)
            if name is None or not is_person(name, study, person.affiliation):
                rejects.note(nct, "overall_official", f"not a person, skipped: {person.name!r}")
                continue
            kept.append(person.model_copy(update={"name": name}))
        yield Record(nct, study.model_copy(update={"nct_id": nct, "people": kept}))

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        batch = GraphBatch()
        ordered = {"site_investigator": 0, "sub_investigator": 0}
        mentions: list[MentionIn] = []
        for record in records:
            study: Study = record.value
            for n, person in enumerate(study.people, start=1):
                city, state, country = person_place(person)
                mentions.append(
                    MentionIn(
                        id=mention_id("trials", study.nct_id, n),
                        source="trials",
                        name=person.name,
                        affiliation=person.affiliation,
                        city=city,
                        state=state,
                        country=country,
                        email=person.email,
                        topics=[f"condition:{fields.slug(c)}" for c in study.conditions][:10],
                    )
                )
        hcp_ids = resolve_people(store, batch, mentions)
        for record in records:
            study = record.value
            trial_id = f"nct:{study.nct_id}"
            batch.node(
                "Trial",
                trial_id,
                nct_id=study.nct_id,
                title=study.title,
                phase=study.phase,
                status=study.status,
                sponsor=study.sponsor,
                conditions=study.conditions or None,
                start_date=study.start_date,
                source_id=study.nct_id,
            )
            for condition in study.conditions:
                topic = f"condition:{fields.slug(condition)}"
                batch.node("Topic", topic, name=condition, scheme="condition", source_id=condition)
                batch.rel("Trial", trial_id, "HAS_TOPIC", "Topic", topic, major=True)
            for mesh_id, term in study.mesh:
                topic = f"mesh:{mesh_id}" if mesh_id else f"mesh:term:{fields.slug(term)}"
                batch.node(
                    "Topic",
                    topic,
                    name=term,
                    scheme="mesh",
                    source_id=mesh_id or term,
                    check_tag=True if is_check_tag(mesh_id or term) else None,
                )
                batch.rel("Trial", trial_id, "HAS_TOPIC", "Topic", topic, major=False)
            # site roles first, so an overall role of the same HCP wins
            people = sorted(
                enumerate(study.people, start=1), key=lambda item: ordered.get(item[1].role, 1)
            )
            for n, person in people:
                mid = mention_id("trials", study.nct_id, n)
                batch.rel(
                    "Mention", mid, "APPEARS_IN", "Trial", trial_id, position=n, role=person.role
                )
                batch.rel(
                    "HCP",
                    hcp_ids[mid],
                    "INVESTIGATOR_OF",
                    "Trial",
                    trial_id,
                    role=person.role,
                    source_id=study.nct_id,
                )
        return batch
