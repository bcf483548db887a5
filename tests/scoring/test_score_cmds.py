"""``kolgraph score`` and ``kolgraph export hcps`` as a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kolgraph.config import Settings
from kolgraph.exchange.tables import table
from kolgraph.store import open_store
from tests.factories import kolgraph, run_cli, seeded_data_dir
from tests.scoring.conftest import seed_world


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A seeded store of this test's own."""
    with seeded_data_dir(tmp_path / "kg", seed_world) as path:
        yield path


@pytest.fixture(scope="module")
def unchanged_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One seeded store for the tests that are refused before anything is written."""
    with seeded_data_dir(tmp_path_factory.mktemp("refusals") / "kg", seed_world) as path:
        yield path


def test_score_then_export(data_dir: Path, tmp_path: Path) -> None:
    done = kolgraph("score", "--json", "--seed", "1", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    run = json.loads(done.stdout)
    assert run["n_hcps"] == 6 and run["run_id"].startswith("run:")
    assert run["top"][0]["rank"] == 1 and 0 <= run["top"][0]["influence"] <= 100
    again = json.loads(
        kolgraph("score", "--json", "--seed", "1", "--data-dir", str(data_dir)).stdout
    )
    assert again["top"] == run["top"]
    out = tmp_path / "hcps.parquet"
    done = kolgraph(
        "export", "hcps", "--format", "parquet", "--output", str(out), "--data-dir", str(data_dir)
    )
    assert done.returncode == 0, done.stdout
    frame = pd.read_parquet(out)
    assert {
        "id",
        "name",
        "npi",
        "orcid",
        "influence",
        "tier",
        "segment",
        "scope",
        "community",
        "rising_star",
        "scientific",
        "network",
    } <= set(frame.columns)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("score", "--since", "last year"), "give YYYY"),
        (("score", "--since", "2023", "--until", "2020"), "swap them"),
        (("score", "--area", "D999999"), "MeSH id"),
        (("export", "hcps", "--format", "xlsx", "--output", "x.xlsx"), "use csv or parquet"),
        (("score", "--seed", "notanumber"), "'--seed'"),
        (("score", "--no-such-option"), "--no-such-option"),
    ],
)
def test_user_mistakes_are_one_error_line(
    unchanged_data_dir: Path, args: tuple[str, ...], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    done = run_cli(capsys, *args, "--data-dir", str(unchanged_data_dir))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("error:") and hint in done.stdout
    assert len(done.stdout.strip().splitlines()) == 1 and done.stderr == ""


def test_the_executable_prints_a_bad_option_as_one_error_line(unchanged_data_dir: Path) -> None:
    """The installed command as a user runs it: exit status 1, one line, no traceback."""
    done = kolgraph("score", "--seed", "notanumber", "--data-dir", str(unchanged_data_dir))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("error:") and "'--seed'" in done.stdout
    assert len(done.stdout.strip().splitlines()) == 1 and done.stderr == ""


def test_export_to_an_unwritable_path_is_one_error_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, "score", "--seed", "1", "--data-dir", str(data_dir)).returncode == 0
    done = run_cli(
        capsys, "export", "hcps", "-o", "/nonexistent/x.csv", "--data-dir", str(data_dir)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("error: cannot write /nonexistent/x.csv")
    assert len(done.stdout.strip().splitlines()) == 1 and done.stderr == ""


def test_export_leaves_out_hcps_without_a_name(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """NPIs known only from a referral file have no name: kept out of the HCP exports."""
    with open_store(Settings(data_dir=data_dir)) as store:
        store.upsert_nodes(
            "HCP",
            [
                {
                    "id": f"npi:{npi}",
                    "props": {
                        "npi": npi,
                        "source": "referrals",
                        "loaded_at": "2024-01-01T00:00:00Z",
                    },
                }
                for npi in ("1003000126", "1003000134")
            ],
        )
    assert run_cli(capsys, "score", "--json", "--data-dir", str(data_dir)).returncode == 0
    out = tmp_path / "hcps.csv"
    done = run_cli(capsys, "export", "hcps", "--output", str(out), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())  # the console wraps long lines
    assert "wrote 6 HCPs" in said and "left out 2 HCPs without a name" in said
    frame = pd.read_csv(out)
    assert len(frame) == 6 and frame["name"].notna().all()
    assert not frame["id"].isin(["npi:1003000126", "npi:1003000134"]).any()
    with open_store(Settings(data_dir=data_dir)) as store:
        assert table(store, "hcps")["name"].notna().all() and len(table(store, "hcps")) == 6
    done = run_cli(
        capsys,
        "export",
        "hcps",
        "--include-nameless",
        "--output",
        str(out),
        "--data-dir",
        str(data_dir),
    )
    said = " ".join(done.stdout.split())
    assert "wrote 8 HCPs" in said and "left out" not in said
    assert pd.read_csv(out)["name"].isna().sum() == 2
