"""Institution names from PubMed affiliation strings: no e-mail addresses, no authors'
initials, one institution per semicolon-separated part; the raw string stays on the
Mention. Checked on strings of the shipped samples and on a real load of them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kolgraph.institution_names import clean_affiliation, institution_name, institution_names
from tests.factories import SAMPLES, ingest

PUBMED = SAMPLES / "pubmed"
EVERY21 = PUBMED / "pubmed21n1298_sample_every21st.xml"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
INITIALS_GROUP = re.compile(r"\((?:[A-Z][a-z]?\.)+(?:,\s*(?:[A-Z][a-z]?\.)+)*\)")


def _shipped_affiliations() -> list[str]:
    texts: list[str] = []
    for path in sorted(PUBMED.glob("*.xml")):
        found = re.findall(r"<Affiliation>([^<]*)</Affiliation>", path.read_text("utf-8"))
        texts += [html.unescape(t) for t in found]
    return texts


@pytest.mark.parametrize(
    ("raw", "family", "given", "expected"),
    [
        # strings as the shipped samples write them
        (
            "Montefiore Medical Center, New York (A.L.).",
            "Latib",
            "Azeem",
            ["Montefiore Medical Center, New York"],
        ),
        (
            "Department of Intensive Care Medicine, Renmin Hospital of Wuhan University, Wuhan, "
            "430060, China. wcywhu@sina.com.",
            "Wang",
            "Chang-Yong",
            [
                "Department of Intensive Care Medicine, Renmin Hospital of Wuhan University, "
                "Wuhan, 430060, China"
            ],
        ),
        (
            "Program of Opticianry, Niğde Ömer Halisdemir University, 51240 Niğde, Turkey. "
            "Electronic address: muhittin.ozturk@ohu.edu.tr.",
            "Öztürk",
            "Muhittin",
            ["Program of Opticianry, Niğde Ömer Halisdemir University, 51240 Niğde, Turkey"],
        ),
        (
            "Service de Médecine Intensive - Réanimation, Nouvel Hôpital Civil, Hôpitaux "
            "Universitaires de Strasbourg, Strasbourg, France; INSERM (French National Institute "
            "of Health and Medical Research), UMR 1260, Regenerative Nanomedicine (RNM), FMTS, "
            "Strasbourg, France. Electronic address: ferhat.meziani@chru-strasbourg.fr.",
            "Meziani",
            "F",
            [
                "Service de Médecine Intensive - Réanimation, Nouvel Hôpital Civil, Hôpitaux "
                "Universitaires de Strasbourg, Strasbourg, France",
                "INSERM (French National Institute of Health and Medical Research), UMR 1260, "
                "Regenerative Nanomedicine (RNM), FMTS, Strasbourg, France",
            ],
        ),
        (
            "IRCCS Policlinico S. Donato, Milan, Italy (L.T., M.A., N.B., A.P.R., M.C., F.D.M., "
            "G.B., F.B.).",
            "Bedogni",
            "Francesco",
            ["IRCCS Policlinico S. Donato, Milan, Italy"],
        ),
        (
            "Radboud University Medical Center, Nijmegen, the Netherlands (N.v.R.)",
            "van Royen",
            "Niels",
            ["Radboud University Medical Center, Nijmegen, the Netherlands"],
        ),
        # one string for every author: each author keeps the parts tagged with their initials
        (
            "Erasmus University Medical Center, Rotterdam, the Netherlands (N.M.V.M.); "
            "Rigshospitalet, Copenhagen University Hospital, Denmark (O.D.B., L.S.).",
            "Van Mieghem",
            "Nicolas M",
            ["Erasmus University Medical Center, Rotterdam, the Netherlands"],
        ),
        (
            "Erasmus University Medical Center, Rotterdam, the Netherlands (N.M.V.M.); "
            "Rigshospitalet, Copenhagen University Hospital, Denmark (O.D.B., L.S.).",
            "Søndergaard",
            "Lars",
            ["Rigshospitalet, Copenhagen University Hospital, Denmark"],
        ),
        # an author tagged nowhere keeps every part
        (
            "Hospital A, Oslo, Norway (K.B.); Hospital B, Bergen, Norway (T.H.)",
            "Lee",
            "Ann",
            ["Hospital A, Oslo, Norway", "Hospital B, Bergen, Norway"],
        ),
        # footnote numbers go, ordinals stay
        (
            "1Computational Health Informatics Program, Boston Children's Hospital, Boston, MA "
            "USA; 2Department of Pediatrics, Harvard Medical School, Boston, MA USA",
            None,
            None,
            [
                "Computational Health Informatics Program, Boston Children's Hospital, Boston, "
                "MA USA",
                "Department of Pediatrics, Harvard Medical School, Boston, MA USA",
            ],
        ),
        (
            "1st Department of Cardiology, Hippokration Hospital, Athens, Greece",
            None,
            None,
            ["1st Department of Cardiology, Hippokration Hospital, Athens, Greece"],
        ),
        # parentheses that are not initials stay, and so does a closing abbreviation
        (
            "Laboratory of Biorheology, University of Montreal Hospital Research Center (CRCHUM), "
            "Montréal, Québec, Canada",
            None,
            None,
            [
                "Laboratory of Biorheology, University of Montreal Hospital Research Center "
                "(CRCHUM), Montréal, Québec, Canada"
            ],
        ),
        ("Mayo Clinic, Rochester, MN, U.S.A.", None, None, ["Mayo Clinic, Rochester, MN, U.S.A."]),
        (
            "From the Department of Surgery, Mayo Clinic, Rochester, MN (K.L.)",
            None,
            None,
            ["Department of Surgery, Mayo Clinic, Rochester, MN"],
        ),
    ],
)
def test_institution_names_of_real_strings(raw, family, given, expected):
    assert institution_names(raw, family, given) == expected
    assert institution_name(raw, family, given) == expected[0]


def test_no_shipped_affiliation_names_an_email_or_initials_or_nothing():
    texts = _shipped_affiliations()
    assert len(texts) > 8000
    with_email = [t for t in texts if EMAIL.search(t)]
    with_initials = [t for t in texts if INITIALS_GROUP.search(t)]
    assert len(with_email) > 900 and len(with_initials) > 20  # the samples hold both
    for text in texts:
        names = institution_names(text)
        assert names, text
        for name in names:
            assert not EMAIL.search(name), (text, name)
            assert not INITIALS_GROUP.search(name), (text, name)
            assert name == clean_affiliation(name), name  # clean names are left alone
            assert name[-1] not in ",;: ", name


def test_empty_and_missing_affiliations_name_no_institution():
    assert institution_name(None) is None
    assert institution_name("") is None
    assert institution_names("user@example.org.") == []


def test_a_load_names_institutions_and_hcps_cleanly_and_keeps_the_raw_text(store, tmp_path: Path):
    ingest(store, "pubmed", EVERY21, tmp_path)
    institutions = store.run("source_nodes", {"label": "Institution"})
    hcps = store.run("source_nodes", {"label": "HCP"})
    mentions = store.run("source_nodes", {"label": "Mention"})
    assert len(institutions) > 1000
    for row in institutions:
        assert not EMAIL.search(row["props"]["name"]), row
        assert not INITIALS_GROUP.search(row["props"]["name"]), row
    for row in hcps:
        institution = row["props"].get("institution") or ""
        assert not EMAIL.search(institution), row
    # the Mention keeps what the file says (the resolver compares it, e-mail included)
    raw = [m["props"]["affiliation"] for m in mentions if m["props"].get("affiliation")]
    assert sum(bool(EMAIL.search(a)) for a in raw) > 100
    latib = [h["props"] for h in hcps if h["props"].get("name") == "Azeem Latib"]
    assert [h["institution"] for h in latib] == ["Montefiore Medical Center, New York"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Dept A",
                "Univ B",
                "(A.L.)",
                "(N.M.V.M., K.B.)",
                "(RNM)",
                "x@y.org",
                "Electronic",
                "address:",
                "From",
                "the",
                "and",
                ";",
                ",",
                ".",
                " ",
                "U.S.A.",
                "São Paulo",
            ]
        ),
        max_size=14,
    ).map(" ".join)
)
def test_names_are_clean_whatever_the_string(text):
    for name in institution_names(text, "Lee", "Ann"):
        assert name and name == name.strip(" ,;:")
        assert not EMAIL.search(name) and not INITIALS_GROUP.search(name)
        assert clean_affiliation(name) == name  # cleaning twice changes nothing
