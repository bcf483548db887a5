"""Render a KOL's report as one HTML page (inline CSS and picture) or, optionally, PDF.

PDF goes through WeasyPrint, which needs the Pango system library; it is an optional
extra (``pip install 'kolgraph[pdf]'``). Without it, :func:`write_pdf` says so and the
HTML prints to PDF from any browser.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, PackageLoader, select_autoescape

from kolgraph.errors import ExchangeError
from kolgraph.report.content import ReportContent
from kolgraph.report.picture import network_svg

logger = logging.getLogger(__name__)


def fmt(value: Any, digits: int = 1) -> str:
    """A number rounded for the page; blank for missing.

    Examples
    --------
    >>> fmt(93.456), fmt(None), fmt("x")
    ('93.5', '–', 'x')
    """
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.{digits}f}"
    return str(value)


def money(value: Any) -> str:
    """USD without cents; blank when hidden.

    Examples
    --------
    >>> money(1500.4), money(None)
    ('1,500', '–')
    """
    return "–" if value is None else f"{float(value):,.0f}"


def bar(value: Any, largest: float) -> float:
    """A bar's width in percent of the largest value.

    Examples
    --------
    >>> bar(5, 10), bar(None, 10), bar(3, 0)
    (50.0, 0.0, 0.0)
    """
    if not value or largest <= 0:
        return 0.0
    return round(100.0 * max(float(value), 0.0) / largest, 1)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kolgraph.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=ChainableUndefined,
    )
    env.globals.update(fmt=fmt, money=money, bar=bar)
    return env


def _names(items: list[dict[str, Any]], key: str = "name", limit: int = 6) -> list[str]:
    return [str(i.get(key) or i.get("id")) for i in items[:limit] if i]


def render_html(content: ReportContent) -> str:
    """The report as a self-contained HTML page."""
    profile = content.profile.model_dump()  # the page reads the profile as the API answers it
    expl = profile.get("explanation") or None
    components = (expl or {}).get("components") or []
    evidence = (expl or {}).get("evidence") or {}
    papers = evidence.get("papers") or profile["publications"].get("recent") or []
    topics = [
        t.get("name") or t.get("topic") or t.get("id")
        for t in profile["publications"].get("top_topics") or []
    ]
    spend_visible = content.contacts.total_spend is not None
    template = _environment().get_template("profile.html.j2")
    return template.render(
        hcp_id=content.hcp_id,
        ident=profile["identity"],
        scores=profile["scores"],
        cls=profile["classification"],
        expl=expl,
        profile=profile,
        pubs=profile["publications"],
        cong=profile["congresses"],
        papers=papers[:5],
        topics=[t for t in topics if t][:8],
        areas=[f"{a['name']} ({a['papers']} papers)" for a in profile["publications"]["areas"]],
        max_contribution=max((float(c.get("contribution") or 0) for c in components), default=0.0),
        collaborators=_names(profile.get("top_collaborators") or []),
        picture=network_svg(content.network),
        contacts=content.contacts.model_dump(),
        spend_visible=spend_visible,
        history=[e.model_dump() for e in content.history],
        viewer=content.viewer,
        generated_at=content.generated_at,
        run=profile.get("score_run"),
        notes=content.notes,
    )


def write_html(content: ReportContent, path: Path) -> Path:
    """Save the HTML page; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(content), encoding="utf-8")
    return path


def pdf_available() -> bool:
    """True when WeasyPrint and its system libraries load."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def write_pdf(content: ReportContent, path: Path) -> Path:
    """Save the report as PDF with WeasyPrint.

    Raises
    ------
    ExchangeError
        If WeasyPrint (or the Pango library it needs) is not installed; the message says
        how to install it or to print the HTML from a browser instead.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise ExchangeError(
            "PDF needs WeasyPrint and the Pango library: pip install weasyprint (or, in a "
            "kolgraph checkout, pip install -e '.[pdf]') and e.g. apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0; or open the HTML report (written with or "
            "without --pdf) in a browser and print it to PDF"
        ) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=render_html(content)).write_pdf(path)
    logger.info("wrote the PDF report to %s", path)
    return path
