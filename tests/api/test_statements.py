"""The service's Cypher names only labels and relationship types of the schema."""

from __future__ import annotations

import re

import pytest

from kolgraph import schema
from kolgraph.store import statements

OWN = ("api.cypher", "krm.cypher")
MINE = sorted({s.name for s in statements.all_statements().values() if s.source in OWN})


@pytest.mark.parametrize("name", MINE)
def test_statement_uses_schema_labels_and_types(name):
    text = statements.get_statement(name, "falkordb").text
    labels = set(re.findall(r"\(\w*:(\w+)", text))
    types = {t for group in re.findall(r"\[\w*:([\w|]+)", text) for t in group.split("|")}
    assert labels <= set(schema.NODE_LABELS), labels - set(schema.NODE_LABELS)
    assert types <= set(schema.REL_TYPES), types - set(schema.REL_TYPES)


def test_service_statements_exist():
    assert {"hcp_profile_bundle", "record_engagements", "append_audit_events"} <= set(MINE)
