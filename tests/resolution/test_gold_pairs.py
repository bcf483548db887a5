"""Reading the MEDLINE gold pairs in their own encoding, and the trainer's defaults."""

from __future__ import annotations

import inspect
from pathlib import Path

from kolgraph.cli.resolve_cmds import train
from kolgraph.resolution.model import ACCEPT, default_model
from kolgraph.resolution.training import read_pairs

HEADER = "PMID1;Last_name1;Initials1;First_name1;PMID2;Last_name2;Initials2;First_name2;Authorship"
ROWS = [
    "26233955;Seror;R;Raphaële;26359802;Seror;R;R;YES",
    "22970314;Cárdenas;ME;Martha E;22096812;Cárdenas;ME;M E;NO",
]


def _write(path: Path, encoding: str) -> Path:
    path.write_bytes("\r\n".join([HEADER, *ROWS, ""]).encode(encoding))
    return path


def test_latin1_pairs_keep_their_accents(tmp_path: Path) -> None:
    pairs, skipped = read_pairs(_write(tmp_path / "pairs.csv", "latin-1"))
    assert skipped == 0
    assert [p.given1 for p in pairs] == ["Raphaële", "Martha E"]
    assert [p.family2 for p in pairs] == ["Seror", "Cárdenas"]
    assert not any(
        "\ufffd" in cell for p in pairs for cell in p.__dict__.values() if isinstance(cell, str)
    )


def test_utf8_pairs_read_the_same(tmp_path: Path) -> None:
    latin = read_pairs(_write(tmp_path / "a.csv", "latin-1"))
    utf8 = read_pairs(_write(tmp_path / "b.csv", "utf-8-sig"))
    assert latin == utf8


def test_train_defaults_to_the_shipped_threshold() -> None:
    accept = inspect.signature(train).parameters["accept"].default
    assert accept == ACCEPT == default_model().accept


def test_a_saved_model_is_byte_reproducible(tmp_path: Path) -> None:
    from kolgraph.resolution.affiliations import AffiliationIdf
    from kolgraph.resolution.features import FEATURES
    from kolgraph.resolution.model import MatchModel
    from kolgraph.resolution.vocabulary import Vocabulary

    def model(families: dict[str, int]) -> MatchModel:
        return MatchModel(
            kind="logistic",
            intercept=0.0,
            coef=[0.0] * len(FEATURES),
            idf=AffiliationIdf({"b": 1.0, "a": 2.0}, 1.0),
            vocabulary=Vocabulary(families=families),
        )

    model({"smith": 2, "doe": 1}).save(tmp_path / "one.json")
    model({"doe": 1, "smith": 2}).save(tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_recall_with_the_reviewed_band_counts_band_pairs_of_one_person() -> None:
    from kolgraph.resolution.affiliations import AffiliationIdf
    from kolgraph.resolution.features import FEATURES
    from kolgraph.resolution.mentions import MentionIn
    from kolgraph.resolution.model import MatchModel
    from kolgraph.resolution.training import evaluate_with_band

    band_model = MatchModel(
        kind="logistic",
        intercept=1.7346,
        coef=[0.0] * len(FEATURES),
        idf=AffiliationIdf({}, 1.0),
        accept=0.9,
        review=0.5,
    )

    def m(n: int, family: str, given: str) -> MentionIn:
        return MentionIn(id=f"mention:x:{n}:1", source="x", family=family, given=given)

    same = (m(1, "Okafor", "Ngozi"), m(2, "Okafor", "N"), True)
    other = (m(3, "Brandt", "Ilse"), m(4, "Brandt", "I"), False)
    apart = (m(5, "Fox", "Ann"), m(6, "Fox", "Beth"), True)  # incompatible names: no band
    result = evaluate_with_band([same, other, apart], band_model)
    assert (result["tp"], result["fn"], result["recall_automatic"]) == (0, 2, 0.0)
    assert (result["band_pairs"], result["band_same"], result["band_different"]) == (2, 1, 1)
    assert (result["recall_with_reviewed_band"], result["precision_with_reviewed_band"]) == (
        0.5,
        1.0,
    )
