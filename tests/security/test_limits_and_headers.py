"""Per-key rate limit (429), load shedding (503), security headers and 405 Allow."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.config import Settings


def _client(store, tmp_path, **limits) -> TestClient:  # noqa: ANN001
    app = create_app(Settings(data_dir=tmp_path / "unused"), store=store, **limits)
    return TestClient(app, raise_server_exceptions=False)


def test_a_key_over_its_rate_gets_429_others_do_not(sec_store, sec_ids, as_, tmp_path):
    with _client(sec_store, tmp_path, rate_per_key=0.5, burst_per_key=3) as client:
        codes = [client.get("/me", headers=as_("rep")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/me", headers=as_("rep"))
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.headers["content-type"].startswith("application/problem+json")
        assert client.get("/me", headers=as_("msl")).status_code == 200


def test_past_the_in_flight_bound_requests_are_shed_with_503(sec_store, as_, tmp_path):
    with _client(sec_store, tmp_path, max_in_flight=0) as client:
        r = client.get("/me", headers=as_("rep"))
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert client.get("/health").status_code == 200  # liveness is never shed


def test_security_headers_and_405_allow(sec_client, as_):
    r = sec_client.get("/me", headers=as_("rep"))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    r = sec_client.delete("/plans/plan:x", headers=as_("rep"))
    assert r.status_code == 405 and r.headers["allow"] == "GET, PUT"
    assert sec_client.post("/health").headers["allow"] == "GET"
