"""Database down: the API answers 503 problem+json, and recovers by itself once it is back.

The embedded server is killed and its append-only directory is made unusable, so the
API's own restart fails: every store-backed route must answer 503 with a clear
problem body (no stack trace, a hint, Retry-After). When the directory is restored,
the next request starts the server again and succeeds, without restarting the API.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.reliability.liveserver import engagement, live_api


def _break_store(data_dir: Path) -> None:
    (data_dir / "appendonly").rename(data_dir / "appendonly.aside")
    (data_dir / "appendonly").write_text("not a directory")


def _repair_store(data_dir: Path) -> None:
    (data_dir / "appendonly").unlink()
    (data_dir / "appendonly.aside").rename(data_dir / "appendonly")


@pytest.mark.slow  # a database outage trial on a live API server, like the SIGKILL trial
def test_api_answers_503_while_the_database_is_down_and_recovers(tmp_path: Path) -> None:
    data_dir = tmp_path / "kg"
    with live_api(data_dir, n_hcps=5) as api:
        headers = {"X-API-Key": api.keys["crm"]}
        with httpx.Client(base_url=api.url, timeout=60) as client:
            assert (
                client.post(
                    "/engagements", json=engagement("before-1", 1), headers=headers
                ).status_code
                == 201
            )
            api.kill_database()
            _break_store(data_dir)
            for method, path, body in [
                ("GET", "/ready", None),
                ("GET", f"/hcps/lookup?npi={engagement('x', 1)['npi']}", None),
                ("POST", "/engagements", engagement("during-1", 1)),
                ("GET", "/hcps/npi:1000000001/engagements", None),
            ]:
                r = client.request(method, path, json=body, headers=headers)
                assert r.status_code == 503, (path, r.status_code, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
                problem = r.json()
                assert problem["status"] == 503 and problem["title"] == "Service unavailable"
                assert "kolgraph status" in problem["detail"]
                assert "Traceback" not in r.text and str(data_dir) not in r.text
                assert r.headers.get("retry-after") == "5"
            assert client.get("/health").status_code == 200  # the process itself is alive
            _repair_store(data_dir)
            r = client.post("/engagements", json=engagement("after-1", 1), headers=headers)
            assert r.status_code == 201, r.text
            assert client.get("/ready").json()["ready"] is True
            ids = {
                e["crm_id"]
                for e in client.get("/hcps/npi:1000000001/engagements", headers=headers).json()[
                    "items"
                ]
            }
            assert ids == {"before-1", "after-1"}
