"""The one-page KOL report: content from the KRM core, HTML with inline picture, PDF."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kolgraph.errors import UnknownHcp
from kolgraph.krm.access import Viewer
from kolgraph.report import (
    pdf_available,
    render_html,
    report_content,
    resolve_hcp,
    save_network_png,
    write_html,
    write_pdf,
)
from kolgraph.store import GraphStore

AS_OF = date(2024, 3, 20)


@pytest.mark.parametrize("given", ["npi:1000000001", "1000000001", " 1000000001 "])
def test_hcp_is_found_by_id_or_npi(seeded: GraphStore, given: str) -> None:
    assert resolve_hcp(seeded, Viewer("t", "admin", "compliance"), given) == "npi:1000000001"


def test_orcid_finds_the_hcp(seeded: GraphStore) -> None:
    viewer = Viewer("t", "admin", "compliance")
    assert resolve_hcp(seeded, viewer, "0000-0002-1825-0097") == "orcid:0000-0002-1825-0097"


def test_unknown_hcp_says_which_identifiers_work(seeded: GraphStore) -> None:
    with pytest.raises(UnknownHcp, match="10-digit NPI or an ORCID"):
        report_content(seeded, "nobody")


def test_page_shows_scores_network_contacts_and_conflicts(seeded: GraphStore) -> None:
    content = report_content(seeded, "1000000001", as_of=AS_OF)
    html = render_html(content)
    assert "<svg" in html and "Ada Lovelace" in html
    assert "93.5" in html and "tier strategic" in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert "medical_affairs and sales within 6 days" in text
    assert "Msl One" in text and "Rep One" in text
    assert "2024 1,620" in text  # spend by year, visible to a KRM manager
    assert "behind the firewall" in text  # the sales visit's objective is another department's
    assert "Discuss data" not in text


def test_field_rep_sees_no_spend_but_own_objectives(seeded: GraphStore) -> None:
    rep = Viewer("k", "field", "sales")
    text = re.sub(
        r"<[^>]+>", " ", render_html(report_content(seeded, "1000000001", viewer=rep, as_of=AS_OF))
    )
    assert "Discuss data" in text
    assert "spend USD" not in text and "1,620" not in text


def test_unscored_hcp_still_gets_a_page(seeded: GraphStore) -> None:
    seeded.upsert_nodes("HCP", [{"id": "npi:1999999999", "props": {"name": "New Person"}}])
    content = report_content(seeded, "1999999999", as_of=AS_OF)
    html = render_html(content)
    assert "Not scored yet" in html and "no ties recorded yet" in html
    assert content.notes == ["no score explanation yet: run 'kolgraph score'"]


def test_reading_the_report_is_audited(seeded: GraphStore) -> None:
    report_content(seeded, "1000000001", as_of=AS_OF)
    assert seeded.counts()["nodes"].get("AuditEvent", 0) >= 1


def test_files_are_written(seeded: GraphStore, tmp_path: Path) -> None:
    content = report_content(seeded, "1000000001", as_of=AS_OF)
    html = write_html(content, tmp_path / "kol.html")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    png = save_network_png(content.network, tmp_path / "ego.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if pdf_available():
        pdf = write_pdf(content, tmp_path / "kol.pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000


def test_key_paper_years_are_whole_years(seeded: GraphStore) -> None:
    """Scoring keeps a paper's year as a float when some years are missing: the page shows
    2021, not 2021.0."""
    content = report_content(seeded, "1000000001", as_of=AS_OF)
    explanation = dict(content.profile.explanation or {})
    papers = [{"pmid": "32364502", "year": 2021.0, "role": "last"}, {"pmid": "9", "year": None}]
    explanation["evidence"] = {"papers": papers}
    profile = content.profile.model_copy(update={"explanation": explanation})
    text = re.sub(r"<[^>]+>", " ", render_html(replace(content, profile=profile)))
    assert "2021 32364502 last" in re.sub(r"\s+", " ", text)
    assert "2021.0" not in text
