"""KRM analytics: coverage gaps, speaker development, field-activity checks, knowledge gaps,
prescribing fluctuations and return on engagement (see docs/analytics.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kolgraph.analytics.coverage import CoverageParams, coverage_gaps
from kolgraph.analytics.field_activity import FieldActivityParams
from kolgraph.analytics.knowledge import knowledge_gaps
from kolgraph.analytics.prescribing import prescribing_report
from kolgraph.analytics.roi import return_on_engagement
from kolgraph.analytics.speakers import SPEAKER_FEATURES, record_proposals, speaker_candidates

__all__ = [
    "SPEAKER_FEATURES",
    "CoverageParams",
    "FieldActivityParams",
    "coverage_gaps",
    "knowledge_gaps",
    "prescribing_report",
    "record_proposals",
    "return_on_engagement",
    "speaker_candidates",
    "suspicious_activity",
]

if TYPE_CHECKING:
    from kolgraph.analytics.fabrication import suspicious_activity


def __getattr__(name: str) -> Any:
    """``suspicious_activity`` loads scikit-learn, so it is imported when first asked for."""
    if name == "suspicious_activity":
        from kolgraph.analytics.fabrication import suspicious_activity

        return suspicious_activity
    raise AttributeError(f"module 'kolgraph.analytics' has no attribute {name!r}")
