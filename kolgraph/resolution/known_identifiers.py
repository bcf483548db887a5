"""Which HCP an identifier (NPI, ORCID, CRM id, Open Payments profile id) names, which
HCPs were merged into which, and which HCPs the authors of a record are by identifier
(:class:`KnownIdentifiers`).

Examples
--------
>>> from kolgraph.resolution.mentions import MentionIn
>>> known = KnownIdentifiers()
>>> known.learn("orcid:0000-0001-2345-6789", {"orcid": "0000-0001-2345-6789"})
>>> ada = MentionIn(id="mention:x:1:1", source="x", name="A Byron", orcid="0000-0001-2345-6789")
>>> known.hcp_of(ada)
('orcid', 'orcid:0000-0001-2345-6789')
>>> other = ada.model_copy(update={"orcid": "0000-0002-1825-0097"})
>>> known.clashes("orcid:0000-0001-2345-6789", other), known.clashes("npi:1234567893", other)
(True, False)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from kolgraph.resolution.features import record_of
from kolgraph.resolution.mentions import KEYS, MentionIn


class KnownIdentifiers:
    """Identifiers of the HCPs known to a run, and the merges among them."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], str] = {}  # (kind, value) -> HCP
        self.of_hcp: dict[str, dict[str, str]] = defaultdict(dict)  # HCP -> kind -> value
        self.merged_into: dict[str, str] = {}
        # record -> [(mention id, key kind, value)] of the current batch's authors
        self._record_ids: dict[str, list[tuple[str, str, str]]] = {}

    def survivor(self, hcp_id: str) -> str:
        """Follow ``merged_into`` links to the HCP that stands for ``hcp_id`` now."""
        seen = {hcp_id}
        while hcp_id in self.merged_into:
            hcp_id = self.merged_into[hcp_id]
            if hcp_id in seen:
                break
            seen.add(hcp_id)
        return hcp_id

    def learn(self, hcp_id: str, identifiers: Mapping[str, Any]) -> None:
        """Remember the identifiers of ``hcp_id`` (the first HCP to carry a value keeps it)."""
        for kind, value in identifiers.items():
            if value and kind in KEYS:
                self.by_key.setdefault((kind, str(value)), hcp_id)
                self.of_hcp[hcp_id].setdefault(kind, str(value))

    def knows(self, kind: str, value: Any) -> bool:
        """Whether an HCP carries this identifier."""
        return (kind, str(value)) in self.by_key

    def knows_any(self, mention: MentionIn) -> bool:
        """Whether an HCP carries one of the mention's identifiers."""
        return any(self.knows(k, getattr(mention, k)) for k in KEYS if getattr(mention, k))

    def hcp_of(self, mention: MentionIn) -> tuple[str, str] | None:
        """(identifier kind, surviving HCP) of the first of the mention's identifiers, in
        the order of ``KEYS``, that an HCP carries; None when none does."""
        for kind in KEYS:
            value = getattr(mention, kind)
            if value and (hcp_id := self.by_key.get((kind, str(value)))) is not None:
                return kind, self.survivor(hcp_id)
        return None

    def clashes(self, hcp_id: str, mention: MentionIn) -> bool:
        """Whether the HCP carries an identifier of a kind the mention has, with another
        value."""
        known = self.of_hcp.get(hcp_id)
        if not known:
            return False
        return any(
            getattr(mention, k) and known.get(k) and known[k] != getattr(mention, k) for k in KEYS
        )

    def start_batch(self, mentions: Iterable[MentionIn]) -> None:
        """Note the identifiers the authors of each record of the batch carry (for
        :meth:`claimed`)."""
        found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for mention in mentions:
            record = record_of(mention)
            if record is None:
                continue
            for kind in KEYS:
                if value := getattr(mention, kind):
                    found[record].append((mention.id, kind, str(value)))
        self._record_ids = found

    def end_batch(self) -> None:
        """Forget the batch's records."""
        self._record_ids = {}

    def claimed(self, mention: MentionIn) -> set[str]:
        """HCPs that another author of the mention's record is, by an identifier known
        here: the mention cannot be one of them (two authors of one record are two
        people), though the co-author may come later in the record and join only then."""
        record = record_of(mention)
        claimed: set[str] = set()
        for other, kind, value in self._record_ids.get(record, ()) if record else ():
            hcp_id = self.by_key.get((kind, value))
            if other != mention.id and hcp_id is not None:
                claimed.add(self.survivor(hcp_id))
        return claimed
