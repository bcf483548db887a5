"""Pair features on real PubMed records, record evidence included: a pair's row does not
depend on the batch it is computed in, nor on the order of the two mentions."""

import numpy as np

from kolgraph.resolution.evidence import RecordEvidence
from kolgraph.resolution.feature_matrix import pair_feature_matrix, pair_features
from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.model import default_model
from kolgraph.resolution.profiles import Profile
from tests.resolution.gold_profiles import gold_block_pairs


def test_a_pair_scores_alike_alone_in_a_batch_and_swapped_on_gold_records(tmp_path):
    model = default_model()
    pairs = gold_block_pairs(tmp_path, 5_000)
    assert len(pairs) > 1000  # the gold records share many names by design
    expected = pair_feature_matrix(pairs, model.idf, model.vocabulary)
    assert expected.shape == (len(pairs), len(FEATURES))
    alone = np.array([pair_features(a, b, model.idf, model.vocabulary) for a, b in pairs[::50]])
    swapped = pair_feature_matrix([(b, a) for a, b in pairs], model.idf, model.vocabulary)
    # the name counts are read for the first mention's family and written-out first name
    first_side = {"family_frequency", "given_frequency", "family_length"}
    for j, name in enumerate(FEATURES):
        assert np.allclose(alone[:, j], expected[::50, j], rtol=0, atol=1e-12), name
        if name not in first_side:
            assert np.allclose(swapped[:, j], expected[:, j], rtol=0, atol=1e-12), name
    # both kinds of evidence occur, so the comparison covers them
    assert expected[:, FEATURES.index("affiliation_missing")].min() == 0
    assert expected[:, FEATURES.index("shared_coauthors")].max() > 0
    assert expected[:, FEATURES.index("text_similarity")].max() > 0
    # and so does the record evidence: every similarity takes values in (0, 1]
    for name in (
        "record_affiliation_similarity",
        "chemical_similarity",
        "mesh_similarity",
        "journal_similarity",
        "abstract_similarity",
        "lsa_similarity",
        "journal_title_similarity",
        "shared_references",
        "coauthor_fullname_shared",
    ):
        assert expected[:, FEATURES.index(name)].max() > 0, name
    assert expected[:, FEATURES.index("record_affiliation_missing")].min() == 0
    assert expected[:, FEATURES.index("references_missing")].min() == 0


def test_empty_and_repeated_profiles():
    model = default_model()
    a = Profile("a", "lee", ())
    assert pair_feature_matrix([], model.idf).shape == (0, len(FEATURES))
    got = pair_feature_matrix([(a, a), (a, a)], model.idf, model.vocabulary)
    assert np.allclose(got, [pair_features(a, a, model.idf, model.vocabulary)] * 2)


def test_record_affiliations_shared_or_not_score_as_one_pair_at_a_time():
    """Records that share a text score 1 without the sparse product; a shared text without
    any 3-gram ("--") is no shortcut; the rest are computed as one pair at a time would."""
    model = default_model()
    iowa = "Dept of Internal Medicine, University of Iowa, Iowa City, IA, USA"
    lists = {
        "a": ("--", iowa, "Department of Cardiology, Kyoto University, Kyoto, Japan"),
        "b": (iowa, "Institut Pasteur, Paris, France"),
        "c": ("--", "Univ. of Iowa Hospitals, Iowa City"),
        "d": ("--",),
        "e": ("Karolinska Institutet, Stockholm, Sweden",),
    }
    profiles = {
        k: Profile(k, "lee", ("ann",), record=RecordEvidence(pmid=str(i), affiliations=v))
        for i, (k, v) in enumerate(lists.items())
    }
    pairs = [
        (profiles[x], profiles[y])
        for x, y in ("ab", "ac", "ad", "ae", "bc", "cd", "de", "ba", "ca")
    ]
    got = pair_feature_matrix(pairs, model.idf, model.vocabulary)
    column = FEATURES.index("record_affiliation_similarity")
    expected = [
        model.idf.best_similarity(a.record.affiliations, b.record.affiliations) for a, b in pairs
    ]
    assert np.allclose(got[:, column], expected, rtol=0, atol=1e-9)
    assert got[0, column] == 1.0  # a and b share the Iowa text
    assert got[2, column] == 0.0  # a and d share only "--", which has no 3-gram
    assert 0 < got[1, column] < 1  # a and c: two ways of writing Iowa
