"""Corpus statistics the match model uses: how common a name is, how rare a word is.

A rare name is almost always one person; "Wang W" is many. The counts are taken from
the training corpus's author lists (every author mention, labelled pairs' own authors
excepted) and shipped in ``model.json`` with the model, together with the document
frequency of title/abstract words for the text similarity.

Examples
--------
>>> v = Vocabulary.fit([("smith", "john"), ("smith", "j"), ("zyx", "anna")],
...                    [{"insulin", "mice"}, {"insulin"}])
>>> v.family_count("smith"), v.given_count("smith", "john"), v.given_count("doe", "jane")
(2, 1, 0)
>>> round(v.word_idf.cosine(frozenset({"insulin", "mice"}), frozenset({"mice"})), 2)
0.9
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from kolgraph.resolution.evidence import CorpusStats
from kolgraph.resolution.idf import Idf
from kolgraph.resolution.names import tokens

STOPWORDS = frozenset(
    """
a about after against all also among an and any are as at be been between both but by can
case cases could did do does during each effect effects either for from had has have how however
in into is it its may more most new no non not of on one or other our over patients per results
same several should since so some study such than that the their them then there these they this
those three through to two under use used using via was we were what when where which while who
with within without would
""".split()
)
_WORD = re.compile(r"^[a-z][a-z0-9]*$")
MAX_WORDS = 40


def content_words(*texts: str | None, limit: int = MAX_WORDS) -> list[str]:
    """Distinct content words of ``texts`` in order (folded; no stop words, numbers or
    words under three letters), at most ``limit``.

    Examples
    --------
    >>> content_words("Glycogen synthase activity in parodontal disease", "The glycogen ...")
    ['glycogen', 'synthase', 'activity', 'parodontal', 'disease']
    """
    found: dict[str, None] = {}
    for text in texts:
        for word in tokens(text):
            if len(word) > 2 and word not in STOPWORDS and _WORD.match(word):
                found.setdefault(word, None)
                if len(found) >= limit:
                    return list(found)
    return list(found)


@dataclass
class Vocabulary:
    """Name counts and word document frequencies of a training corpus."""

    families: dict[str, int] = field(default_factory=dict)
    given: dict[str, int] = field(default_factory=dict)  # "family first" -> count
    word_df: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    corpus: CorpusStats = field(default_factory=CorpusStats)  # record-evidence statistics

    def __post_init__(self) -> None:
        self.word_idf = Idf(self.word_df, self.documents)  # title/abstract words

    @classmethod
    def fit(
        cls,
        names: Iterable[tuple[str, str]],
        documents: Iterable[Iterable[str]],
        min_df: int = 2,
        corpus: CorpusStats | None = None,
    ) -> Vocabulary:
        """Count ``(family key, first given token)`` names and each document's words;
        ``corpus`` holds the record-evidence statistics (``evidence.fit_corpus_stats``)."""
        families: Counter[str] = Counter()
        given: Counter[str] = Counter()
        for family, first in names:
            if not family:
                continue
            families[family] += 1
            if len(first) > 1:
                given[f"{family} {first}"] += 1
        df: Counter[str] = Counter()
        n = 0
        for words in documents:
            n += 1
            df.update(set(words))
        return cls(
            dict(families),
            dict(given),
            {w: c for w, c in df.items() if c >= min_df},
            n,
            corpus or CorpusStats(),
        )

    def family_count(self, family: str) -> int:
        """How many training mentions carry this family key."""
        return self.families.get(family, 0)

    def given_count(self, family: str, first: str) -> int:
        """How many training mentions carry this family key and written-out first name."""
        return self.given.get(f"{family} {first}", 0)

    def to_json(self) -> dict[str, object]:
        """Plain numbers for ``model.json``."""
        return {
            "families": self.families,
            "given": self.given,
            "word_df": self.word_df,
            "documents": self.documents,
            "corpus": self.corpus.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> Vocabulary:
        """Rebuild from :meth:`to_json` output (empty when absent)."""
        if not data:
            return cls()
        return cls(
            dict(cast("dict[str, int]", data["families"])),
            dict(cast("dict[str, int]", data["given"])),
            dict(cast("dict[str, int]", data["word_df"])),
            int(cast(int, data["documents"])),
            CorpusStats.from_json(cast("dict[str, Any] | None", data.get("corpus"))),
        )
