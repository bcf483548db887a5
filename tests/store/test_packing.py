"""Packed text: round trips, values packed by earlier versions, and the fixed dictionary."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from importlib import resources

from hypothesis import given
from hypothesis import strategies as st

from kolgraph.store.packing import DICTIONARY, PREFIX, pack, unpack, unpacked

# Stored values depend on the dictionary byte for byte: it must never change. A better
# dictionary is shipped under a new name (and DICTIONARY points at it).
SHIPPED = {"explanation-1": "1810eaf22bd64f9a8a5e8753b73039b85901b3c49fd19eb213e748545a8ea4dc"}


@given(st.text())
def test_any_text_round_trips(text):
    packed = pack(text)
    assert packed.startswith(PREFIX)
    assert packed.isascii() and '"' not in packed and "\\" not in packed
    assert unpack(packed) == text


def test_values_packed_without_a_dictionary_still_read():
    text = json.dumps({"hcp_id": "npi:1234567890", "tier": {"tier": "strategic"}})
    earlier = "zlib+base64:" + base64.b64encode(zlib.compress(text.encode(), 1)).decode()
    assert unpack(earlier) == text
    assert unpacked({"explanation": earlier, "rank": 3}) == {"explanation": text, "rank": 3}


def test_text_that_only_looks_packed_is_left_alone():
    for value in ("zlib+", "zlib+other+base64:AAAA", "plain", "", None, 2.5):
        assert unpack(value) == value


def test_shipped_dictionaries_never_change():
    for name, digest in SHIPPED.items():
        data = (resources.files("kolgraph") / "data" / f"{name}.zdict").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, (
            f"{name}.zdict changed: values already stored need it as it was; ship a new "
            "dictionary under a new name instead"
        )
    assert DICTIONARY in SHIPPED


def test_explanations_pack_well_below_zlib_alone():
    explanation = {
        "components": [
            {"component": c, "contribution": 12.5, "rank": 40, "raw": 0.3, "scaled": 0.29}
            for c in ("scientific", "congress", "trials", "network", "referral")
        ],
        "evidence": {
            "papers": [{"pmid": "31578921", "pub": "pmid:31578921", "role": "last", "year": 2021}],
            "ties": [{"hcp": "npi:1003000126", "referral": 14.0, "weight": 0.61}],
        },
        "hcp_id": "npi:1427051540",
        "scope": {"evidence": {"international": 2, "local": 0, "national": 1}, "scope": "national"},
        "tier": {
            "reason": "influence percentile 97.3 >= 97, potential 0.71 >= 0.5",
            "tier": "strategic",
        },
    }
    text = json.dumps(explanation, sort_keys=True, separators=(",", ":"))
    plain = "zlib+base64:" + base64.b64encode(zlib.compress(text.encode(), 1)).decode()
    assert len(pack(text)) < 0.6 * len(plain)
