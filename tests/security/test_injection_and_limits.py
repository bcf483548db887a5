"""Cypher-injection strings in every text parameter; oversized bodies and pages are limited."""

from __future__ import annotations

import pytest

from kolgraph.api.app import create_app

INJECTIONS = [
    "' OR 1=1 //",
    "x' }) MATCH (n) DETACH DELETE n //",
    '") MATCH (n) DETACH DELETE n RETURN 1 //',
    "1} ) WITH 1 AS x MATCH (k:ApiKey) SET k.role = 'admin' //",
    "{{label}}",
    "`HCP`) DETACH DELETE n //",
    "$id",
    "npi:1234567893' OR '1'='1",
]


def _text_parameters() -> list[tuple[str, str, str]]:
    """(method, path template, parameter) for every string query/path parameter in the spec."""
    spec = create_app().openapi()
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                schema = param.get("schema", {})
                kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
                if (
                    "string" in kinds
                    and "enum" not in schema
                    and "format" not in schema
                    and param["in"] in ("query", "path")
                ):
                    found.append((method.upper(), path, param["name"]))
    return found


def _snapshot(store) -> tuple:  # noqa: ANN001
    counts = store.counts()
    counts["nodes"].pop("AuditEvent", None)
    keys = store.execute("MATCH (k:ApiKey) RETURN k.role AS r ORDER BY k.id", {})
    hcps = store.execute("MATCH (h:HCP) RETURN h.id AS id, h.name AS n ORDER BY h.id", {})
    return counts, keys, hcps


def test_every_text_parameter_is_covered():
    params = _text_parameters()
    assert len(params) >= 20, params
    assert ("GET", "/hcps", "q") in params and ("GET", "/hcps/{hcp_id}", "hcp_id") in params


def test_injection_strings_change_nothing_and_cause_no_5xx(sec_client, sec_store, sec_ids, as_):
    before = _snapshot(sec_store)
    statuses: dict[int, int] = {}
    for method, path, name in _text_parameters():
        for payload in INJECTIONS:
            url = path
            params = {}
            for placeholder in [p for p in path.split("/") if p.startswith("{")]:
                value = payload if placeholder == "{" + name + "}" else sec_ids["hcps"][0]
                url = url.replace(
                    placeholder, value.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
                )
            if "{" + name + "}" not in path:
                params[name] = payload
            if method == "POST" and path.endswith("/erase"):
                continue  # erasure is a legitimate data change; covered in test_privacy
            r = sec_client.request(
                method,
                url,
                params=params,
                headers=as_("admin"),
                json={} if method in ("POST", "PUT") else None,
            )
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            assert r.status_code < 500, (method, url, params, r.status_code, r.text)
    assert _snapshot(sec_store) == before
    assert sum(statuses.values()) >= 8 * 20


def test_injection_in_written_values_is_stored_verbatim(sec_client, sec_store, sec_ids, as_):
    payload = "x' }) MATCH (n) DETACH DELETE n //"
    before = sec_store.counts()["nodes"]["HCP"]
    r = sec_client.post(
        "/engagements",
        headers=as_("crm"),
        json={
            "crm_id": "inj-1",
            "hcp_id": sec_ids["hcps"][0],
            "department": "sales",
            "type": "call",
            "date": "2024-05-01",
            "notes": payload,
            "objective": payload,
            "key_messages": [payload],
        },
    )
    assert r.status_code == 201, r.text
    stored = sec_store.run("node_by_id", {"label": "Engagement"}, id="eng:crm:inj-1")[0]["props"]
    assert stored["notes"] == payload and stored["key_messages"] == [payload]
    assert sec_store.counts()["nodes"]["HCP"] == before


@pytest.mark.parametrize(
    ("path", "param", "limit"),
    [
        ("/hcps", "limit", 200),
        ("/audit", "limit", 1000),
        ("/score-runs", "limit", 200),
        ("/hcps/{hcp}/engagements", "limit", 200),
        ("/hcps/{hcp}/network", "max_nodes", None),
    ],
)
def test_page_sizes_are_capped(sec_client, sec_ids, as_, path, param, limit):
    url = path.replace("{hcp}", sec_ids["hcps"][0])
    r = sec_client.get(url, params={param: 10**9}, headers=as_("admin"))
    assert r.status_code == 422 and r.json()["field"] == param, r.text
    if limit is not None:
        spec = create_app().openapi()
        p = next(
            p
            for p in spec["paths"][path.replace("{hcp}", "{hcp_id}")]["get"]["parameters"]
            if p["name"] == param
        )
        assert p["schema"]["maximum"] <= limit


def test_oversized_bodies_are_413_before_parsing(sec_client, as_):
    big = b'{"engagements": [' + b'{"crm_id": "a"},' * 400_000 + b"{}]}"
    r = sec_client.post(
        "/engagements/bulk", content=big, headers={**as_("crm"), "content-type": "application/json"}
    )
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem")


def _streamed(sec_client, as_, sent: list[int]):  # noqa: ANN001, ANN202
    def chunks():  # no Content-Length: the limit must hold for streamed bodies too
        for _ in range(200):
            sent.append(65536)
            yield b" " * 65536

    return sec_client.post(
        "/engagements", content=chunks(), headers={**as_("crm"), "content-type": "application/json"}
    )


def test_streamed_oversized_body_is_refused(sec_client, as_):
    sent: list[int] = []
    r = _streamed(sec_client, as_, sent)
    assert 400 <= r.status_code < 500 and "Traceback" not in r.text


def test_streamed_oversized_body_is_413(sec_client, as_):
    sent: list[int] = []
    r = _streamed(sec_client, as_, sent)
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert "split bulk calls" in r.json()["detail"]


def test_bulk_item_count_and_long_strings_are_limited(sec_client, sec_ids, as_):
    one = {
        "hcp_id": sec_ids["hcps"][0],
        "department": "sales",
        "type": "call",
        "date": "2024-05-01",
    }
    r = sec_client.post(
        "/engagements/bulk",
        headers=as_("crm"),
        json={"engagements": [{**one, "crm_id": f"bulk-{i}"} for i in range(1001)]},
    )
    assert r.status_code == 422 and r.json()["field"] == "engagements"
    r = sec_client.post(
        "/engagements", headers=as_("crm"), json={**one, "crm_id": "long-1", "notes": "x" * 5000}
    )
    assert r.status_code == 422 and r.json()["field"] == "notes"
    r = sec_client.get("/hcps", params={"q": "x" * 101}, headers=as_("rep"))
    assert r.status_code == 422 and r.json()["field"] == "q"
