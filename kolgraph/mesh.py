"""Therapeutic areas as MeSH subtrees, from the MeSH 2024 tree in ``data/mesh_trees.csv.gz``.

PubMed records name their headings by descriptor id (``D009369``) without tree numbers; the
shipped tree (rows ``descriptor_ui,name,tree_number``; one row per tree number) maps ids to
tree numbers and back. An area is

* a descriptor id (``D009369`` or ``mesh:D009369``): every descriptor under any of its tree
  numbers, itself included;
* a tree-number prefix (``C04``, ``C04.588``): every descriptor at or under it;
* a term: a descriptor's name, any case (``neoplasms``), then as a descriptor id.

MeSH check tags (:data:`CHECK_TAGS`: Humans, Male, Female, the age groups, the laboratory
animals...) describe the study population, not its subject: they are never topics and never
part of an area.

Examples
--------
>>> area = resolve_area("C04")
>>> area.label, "D009369" in area.descriptors, "D001943" in area.descriptors
('C04 Neoplasms', True, True)
>>> resolve_area("neoplasms").roots == resolve_area("D009369").roots
True
>>> is_check_tag("mesh:D006801"), is_check_tag("mesh:D009369")
(True, False)
"""

from __future__ import annotations

import csv
import difflib
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "CHECK_TAGS",
    "Area",
    "AreaNotFound",
    "MeshTree",
    "AREA_EXCLUDED",
    "CLINICAL_TREES",
    "area_label",
    "check_tag_ids",
    "clinical_topic_ids",
    "is_check_tag",
    "mesh_tree",
    "resolve_area",
    "suggestions",
    "therapeutic_areas",
]

# The MEDLINE indexing check tags (NLM): population descriptors every indexer adds.
CHECK_TAGS: tuple[str, ...] = (
    "Humans",
    "Animals",
    "Male",
    "Female",
    "Pregnancy",
    "Infant, Newborn",
    "Infant",
    "Child, Preschool",
    "Child",
    "Adolescent",
    "Young Adult",
    "Adult",
    "Middle Aged",
    "Aged",
    "Aged, 80 and over",
    "Cats",
    "Cattle",
    "Chick Embryo",
    "Cricetinae",
    "Dogs",
    "Guinea Pigs",
    "Horses",
    "Mice",
    "Rabbits",
    "Rats",
    "Sheep",
    "Swine",
    "History, Ancient",
    "History, Medieval",
    "History, 15th Century",
    "History, 16th Century",
    "History, 17th Century",
    "History, 18th Century",
    "History, 19th Century",
    "History, 20th Century",
    "History, 21st Century",
)
# Check tags the 2024 tree lists without a tree number (descriptor ids of MeSH 2024).
_UNTREED_CHECK_TAGS = {"Male": "D008297", "Female": "D005260"}
_ID = re.compile(r"^(?:mesh:)?(D\d{6,9})$", re.I)
_TREE = re.compile(r"^[A-Z]\d{2}(\.\d{3})*$")


class AreaNotFound(LookupError):
    """The area names no MeSH descriptor or tree number; ``suggestions`` are close ones."""

    def __init__(self, area: str, suggestions: list[str], reason: str | None = None) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        why = reason or "is not a MeSH descriptor id, tree number or term"
        super().__init__(f"area {area!r} {why}{hint}")
        self.area = area
        self.suggestions = suggestions


@dataclass(frozen=True)
class MeshTree:
    """The shipped MeSH tree: names and tree numbers of every descriptor."""

    names: dict[str, str]  # descriptor id -> name
    trees: dict[str, tuple[str, ...]]  # descriptor id -> tree numbers
    by_tree: dict[str, str]  # tree number -> descriptor id
    by_name: dict[str, str]  # lower-case name -> descriptor id


@dataclass(frozen=True)
class Area:
    """A resolved area: its root tree numbers and every descriptor id in the subtrees."""

    query: str
    roots: frozenset[str]
    descriptors: frozenset[str]
    label: str


@lru_cache(maxsize=1)
def mesh_tree() -> MeshTree:
    """Read the shipped tree once."""
    names: dict[str, str] = {}
    trees: dict[str, list[str]] = {}
    by_tree: dict[str, str] = {}
    ref = resources.files("kolgraph") / "data" / "mesh_trees.csv.gz"
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as text:
        for row in csv.DictReader(text):
            ui, tree = row["descriptor_ui"], row["tree_number"]
            names[ui] = row["name"]
            trees.setdefault(ui, []).append(tree)
            by_tree[tree] = ui
    by_name = {name.lower(): ui for ui, name in names.items()}
    return MeshTree(names, {k: tuple(v) for k, v in trees.items()}, by_tree, by_name)


@lru_cache(maxsize=1)
def check_tag_ids() -> frozenset[str]:
    """Descriptor ids of :data:`CHECK_TAGS` in the shipped tree."""
    by_name = mesh_tree().by_name
    found = {by_name[n.lower()] for n in CHECK_TAGS if n.lower() in by_name}
    return frozenset(found | set(_UNTREED_CHECK_TAGS.values()))


CLINICAL_TREES: tuple[str, ...] = ("C", "F03", "E01", "E02", "E04")
"""MeSH branches that make a paper clinical: Diseases, Mental Disorders, Diagnosis,
Therapeutics and Surgical Procedures."""


AREA_EXCLUDED: tuple[str, ...] = ("C22", "C23")
"""Disease categories that are no therapeutic area: C22 *Animal Diseases* (veterinary) and
C23 *Pathological Conditions, Signs and Symptoms* (findings of every specialty)."""


@lru_cache(maxsize=1)
def _areas_of_descriptors() -> dict[str, tuple[str, ...]]:
    """Descriptor id -> the disease categories it is under (first-level C tree numbers, and
    F03 Mental Disorders), without :data:`AREA_EXCLUDED`."""
    out: dict[str, set[str]] = {}
    for number, ui in mesh_tree().by_tree.items():
        top = "F03" if number.startswith("F03") else number[:3] if number[:1] == "C" else None
        if top and top not in AREA_EXCLUDED:
            out.setdefault(ui, set()).add(top)
    return {ui: tuple(sorted(tops)) for ui, tops in out.items()}


def therapeutic_areas(topic_ids: Iterable[str | None]) -> list[str]:
    """The therapeutic areas (MeSH disease categories: ``C04``, ``C14``, ..., ``F03``) the
    topics fall under, sorted; topics outside the disease trees (a drug, a procedure, a check
    tag, an OpenAlex concept) fall under none.

    >>> therapeutic_areas(["mesh:D001024", "mesh:D065467", "mesh:D006801", "D009369"])
    ['C04', 'C14']
    >>> [area_label(a) for a in therapeutic_areas(["mesh:D003924"])]
    ['C18 Nutritional and Metabolic Diseases', 'C19 Endocrine System Diseases']
    """
    areas = _areas_of_descriptors()
    found: set[str] = set()
    for topic in topic_ids:
        if topic:
            found.update(areas.get(topic.removeprefix("mesh:"), ()))
    return sorted(found)


def area_label(tree_number: str) -> str:
    """``"C14 Cardiovascular Diseases"``: a tree number and its descriptor's name."""
    tree = mesh_tree()
    ui = tree.by_tree.get(tree_number)
    return f"{tree_number} {tree.names[ui]}" if ui else tree_number


@lru_cache(maxsize=1)
def clinical_topic_ids() -> frozenset[str]:
    """Topic ids (``mesh:D...``) of descriptors in :data:`CLINICAL_TREES`.

    >>> "mesh:D001024" in clinical_topic_ids(), "mesh:D006801" in clinical_topic_ids()
    (True, False)
    """
    return frozenset(
        f"mesh:{ui}"
        for number, ui in mesh_tree().by_tree.items()
        if number.startswith(CLINICAL_TREES)
    ) - {f"mesh:{ui}" for ui in check_tag_ids()}


def is_check_tag(topic: str | None) -> bool:
    """Whether a topic id (``mesh:D006801``), descriptor id or name is a MeSH check tag."""
    if not topic:
        return False
    match = _ID.match(topic.strip())
    if match:
        return match.group(1).upper() in check_tag_ids()
    return topic.strip().lower() in {n.lower() for n in CHECK_TAGS}


def suggestions(area: str, n: int = 5) -> list[str]:
    """Close descriptor names or tree numbers, each as ``"<tree> <name>"``.

    >>> suggestions("neoplasm")[0]
    'C04 Neoplasms'
    """
    tree = mesh_tree()
    text = area.strip()
    if _TREE.match(text.upper()) or re.match(r"^[A-Z]\d", text.upper()):
        near = difflib.get_close_matches(text.upper(), list(tree.by_tree), n=n)
        return [f"{t} {tree.names[tree.by_tree[t]]}" for t in near]
    near = difflib.get_close_matches(text.lower(), list(tree.by_name), n=n, cutoff=0.7)
    out = []
    for name in near:
        ui = tree.by_name[name]
        out.append(f"{min(tree.trees[ui])} {tree.names[ui]}")
    return out


def _subtree(roots: set[str]) -> frozenset[str]:
    tree = mesh_tree()
    out = {
        ui
        for number, ui in tree.by_tree.items()
        if any(number == r or number.startswith(r + ".") for r in roots)
    }
    return frozenset(out - check_tag_ids())


def resolve_area(area: str, *, suggest: bool = True) -> Area:
    """The MeSH subtree an area names.

    Raises
    ------
    AreaNotFound
        If ``area`` is no descriptor id, tree-number prefix or descriptor name of the tree, or
        is a check tag; with ``suggest``, naming close headings (a fuzzy search of every
        name: skip it when the error is not shown).
    """
    tree = mesh_tree()
    text = area.strip()
    match = _ID.match(text)
    ui: str | None = None
    if match and match.group(1).upper() in tree.trees:
        ui = match.group(1).upper()
    elif _TREE.match(text.upper()) and text.upper() in tree.by_tree:
        number = text.upper()
        roots = frozenset({number})
        label = f"{number} {tree.names[tree.by_tree[number]]}"
        return Area(area, roots, _subtree(set(roots)), label)
    else:
        ui = tree.by_name.get(text.lower())
    if ui is not None and ui in check_tag_ids():
        raise AreaNotFound(area, [], reason="is a MeSH check tag (who was studied), not a topic")
    if ui is None:
        raise AreaNotFound(area, suggestions(area) if suggest else [])
    roots = frozenset(tree.trees[ui])
    return Area(area, roots, _subtree(set(roots)), f"{min(roots)} {tree.names[ui]}")
