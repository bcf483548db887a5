"""Every loader by its source name, as ``kolgraph ingest <source> <path>`` knows them."""

from __future__ import annotations

from collections.abc import Callable

from kolgraph.errors import IngestError
from kolgraph.ingest.runner import Loader


def _referrals() -> Loader:
    from kolgraph.ingest.referrals import ReferralLoader

    return ReferralLoader()


def _pubmed() -> Loader:
    from kolgraph.ingest.pubmed import PubmedLoader

    return PubmedLoader()


def _crossref() -> Loader:
    from kolgraph.ingest.crossref import CrossrefLoader

    return CrossrefLoader()


def _openalex() -> Loader:
    from kolgraph.ingest.openalex import OpenAlexLoader

    return OpenAlexLoader()


def _partd() -> Loader:
    from kolgraph.ingest.partd import PartDLoader

    return PartDLoader()


def _quiz() -> Loader:
    from kolgraph.ingest.quiz import QuizLoader

    return QuizLoader()


def _nppes() -> Loader:
    from kolgraph.ingest.nppes import NppesLoader

    return NppesLoader()


def _payments() -> Loader:
    from kolgraph.ingest.payments import PaymentsLoader

    return PaymentsLoader()


def _trials() -> Loader:
    from kolgraph.ingest.trials import TrialsLoader

    return TrialsLoader()


def _congress() -> Loader:
    from kolgraph.ingest.congress import CongressLoader

    return CongressLoader()


def _crm() -> Loader:
    from kolgraph.ingest.crm import CrmLoader

    return CrmLoader()


LOADERS: dict[str, Callable[[], Loader]] = {
    "pubmed": _pubmed,
    "crossref": _crossref,
    "openalex": _openalex,
    "referrals": _referrals,
    "partd": _partd,
    "quiz": _quiz,
    "nppes": _nppes,
    "payments": _payments,
    "trials": _trials,
    "congress": _congress,
    "crm": _crm,
}


def loader_for(source: str) -> Loader:
    """The loader for ``source``.

    Raises
    ------
    IngestError
        If no loader has that name (the message lists the known ones).
    """
    try:
        return LOADERS[source]()
    except KeyError:
        known = ", ".join(sorted(LOADERS))
        raise IngestError(f"unknown source {source!r}; known sources: {known}") from None
