"""``conflicts_of(a)(b)`` is ``conflict(a, b)``: on every ordered pair of profiles of the
shipped gold records that share a family name, and on the rules' edge cases."""

from collections import defaultdict

from kolgraph.resolution.features import conflict, conflicts_of
from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.profiles import Profile
from tests.resolution.gold_profiles import gold_profiles


def test_the_same_answers_on_gold_record_profiles(tmp_path):
    by_family: dict[str, list[Profile]] = defaultdict(list)
    for p in gold_profiles(tmp_path):
        by_family[p.family].append(p)
    compared = answers = 0
    for members in by_family.values():
        members = members[:40]
        for a in members:
            test = conflicts_of(a)
            for b in members:
                assert test(b) == conflict(a, b), (a.id, b.id)
                compared += 1
                answers += conflict(a, b)
    assert compared > 10_000 and 0 < answers < compared  # both answers are tested


def test_the_same_answers_on_the_rules_edge_cases():
    def profile(id_: str, family: str, given: str, **extra: object) -> Profile:
        return Profile.from_mention(
            MentionIn(id=id_, source="x", family=family, given=given, **extra)
        )

    people = [
        profile("mention:pubmed:1:1", "Müller", "Hans", position=1),
        profile("mention:pubmed:2:1", "Mueller", "H", position=1),
        profile("mention:pubmed:3:2", "Muller", "Hans Peter", position=2),
        profile("mention:pubmed:1:3", "Müller", "H", position=3),  # co-author of the first
        profile("mention:crm:7:1", "Müller", "Hans", npi="1234567893"),
        profile("mention:crm:8:1", "Müller", "Hans", npi="1245319599"),
        profile("mention:orcid:1:1", "Müller", "Hans", orcid="0000-0001-2345-6789"),
        profile("mention:orcid:2:1", "Müller", "Hans", orcid="0000-0002-1825-0097"),
        profile("mention:trials:NCT1:1", "Müller", "Hansjörg"),
        profile("mention:trials:NCT1:2", "Müller", ""),
        profile("mention:pubmed:1:12", "Müller", "Hans", position=12),  # the first's record
        profile("mention:pubmed:12:1", "Müller", "Hans", position=1),  # another record
        profile("mention:pubmed:1:4", "Müller", "Hans"),  # no author position: no record
    ]
    for a in people:
        test = conflicts_of(a)
        for b in people:
            assert test(b) == conflict(a, b), (a.id, b.id)
