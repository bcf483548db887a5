"""One-page KOL profiles for KRM meetings: scores explained, network, contacts, conflicts.

.. code-block:: python

    from kolgraph.report import report_content, write_html

    content = report_content(store, "1234567890")     # NPI, kolgraph id or ORCID
    write_html(content, Path("kol.html"))
"""

from kolgraph.report.content import REPORT_VIEWER, ReportContent, report_content, resolve_hcp
from kolgraph.report.document import pdf_available, render_html, write_html, write_pdf
from kolgraph.report.picture import network_figure, network_svg, save_network_png

__all__ = [
    "REPORT_VIEWER",
    "ReportContent",
    "network_figure",
    "network_svg",
    "pdf_available",
    "render_html",
    "report_content",
    "resolve_hcp",
    "save_network_png",
    "write_html",
    "write_pdf",
]
