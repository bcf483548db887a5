"""A text embedding of each record (title and abstract words, MeSH headings) and the
cosine of two records' embeddings, a pair feature (``embedding_similarity``).

The model is WordLlama's ``l2_supercat`` (256 dimensions): token embeddings taken from a
large language model's input layer and trained for sentence similarity, averaged over the
text's tokens. Its weights and tokenizer ship inside the ``wordllama`` wheel; they are read
from the installed package's files, never downloaded (``WordLlama.load`` would look for the
tokenizer under a folder the wheel does not use and then try the Hugging Face hub).

The text of a record is what the store keeps of it, so a fresh mention and the same
mention read back from the store embed alike: the content words of the title and the whole
abstract (``RecordEvidence.words``, sorted) and the names of its MeSH descriptors (check
tags such as Humans or Male left out: they describe the population, not the subject).
Averaging ignores word order, so sorting the words loses nothing.

Each record is embedded once: the unit vector (float16) is kept on the record
(``RecordEvidence.embedding_memo``) and goes with it into the resolution index's spill.
Many records are embedded in one call: one tokenizer batch and one sparse product of the
texts' token counts with the embedding matrix. A record's vector is the same whatever it is
embedded with (each sum runs over its own tokens only, in token id order).

Examples
--------
>>> a = RecordEvidence(words=frozenset({"insulin", "resistance", "diabetes"}))
>>> b = RecordEvidence(words=frozenset({"glucose", "diabetic", "insulin", "patients"}))
>>> c = RecordEvidence(words=frozenset({"galaxy", "cluster", "dark", "matter"}))
>>> sims = record_similarities([a, b, c, NO_RECORD], np.array([0, 0, 0]), np.array([1, 2, 3]))
>>> bool(sims[0] > 0.5 > sims[1]), float(sims[2])
(True, 0.0)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

from kolgraph.errors import KolgraphError
from kolgraph.resolution.evidence import NO_RECORD, RecordEvidence

MODEL_NAME = "wordllama l2_supercat 256"
"""The embedding behind ``embedding_similarity`` (recorded in ``model.json``'s meta)."""
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_EMPTY = np.zeros(0, dtype=np.float16)  # the memo of a record without text
EMBED_BATCH = 4096
"""Records tokenised and pooled together (bounds the gathered token rows: ~300 tokens of
256 float32 each per abstract)."""


class TextEmbedder:
    """WordLlama's token embeddings and tokenizer, read from the installed wheel.

    Raises
    ------
    KolgraphError
        If the ``wordllama`` package or its shipped files are missing.
    """

    def __init__(self) -> None:
        try:
            from safetensors import safe_open
            from tokenizers import Tokenizer

            root = resources.files("wordllama")
            weights, tokenizer = root.joinpath(_WEIGHTS), root.joinpath(_TOKENIZER)
            if not (weights.is_file() and tokenizer.is_file()):
                raise FileNotFoundError(f"{weights} / {tokenizer}")
        except (ImportError, FileNotFoundError) as exc:
            raise KolgraphError(
                f"the text embedding needs the wordllama wheel's weights ({exc}); "
                "install it with: pip install 'kolgraph[embedding]'"
            ) from exc
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.tokenizer = Tokenizer.from_str(tokenizer.read_text(encoding="utf-8"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        with resources.as_file(weights) as path, safe_open(str(path), framework="np") as f:
            self.matrix = np.ascontiguousarray(f.get_tensor("embedding.weight"), np.float32)

    @property
    def dims(self) -> int:
        """Length of an embedding (256)."""
        return int(self.matrix.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit embeddings of ``texts``, one float32 row each (all zeros for a text
        without tokens).

        >>> e = embedder().embed(["insulin resistance", "", "insulin resistance"])
        >>> e.shape, float(abs(e[1]).sum()), bool((e[0] == e[2]).all())
        ((3, 256), 0.0, True)
        """
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        if not texts:
            return out
        encoded = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        counts = np.array([len(e.ids) for e in encoded], dtype=np.int64)
        if not counts.any():
            return out
        flat = np.fromiter((i for e in encoded for i in e.ids), dtype=np.int64, count=counts.sum())
        np.clip(flat, 0, self.matrix.shape[0] - 1, out=flat)
        # token counts per text times the token embeddings: the sums without gathering a
        # row per token; each text's sum runs over its own distinct tokens in id order
        tokens = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, np.concatenate([[0], np.cumsum(counts)])),
            shape=(len(texts), self.matrix.shape[0]),
        )
        tokens.sum_duplicates()
        sums = np.asarray(tokens @ self.matrix, dtype=np.float32)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[:] = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        return out


@cache
def embedder() -> TextEmbedder:
    """The one :class:`TextEmbedder` of the process (loaded when first needed, ~0.1 s)."""
    return TextEmbedder()


def record_text(record: RecordEvidence) -> str:
    """The text a record is embedded from: its title and abstract content words, sorted,
    then its MeSH descriptors' names (check tags left out), in descriptor id order.

    >>> record_text(RecordEvidence(words=frozenset({"mice", "insulin"}),
    ...                            mesh=frozenset({"D007328", "D006801"})))
    'insulin mice Insulin'
    """
    from kolgraph.mesh import check_tag_ids, mesh_tree

    names, tags = mesh_tree().names, check_tag_ids()
    headings = [names[u] for u in sorted(record.mesh) if u in names and u not in tags]
    return " ".join([*sorted(record.words), *headings])


def record_embeddings(records: Sequence[RecordEvidence]) -> list[np.ndarray]:
    """The unit embedding (float16) of each record, empty for a record without text;
    computed once per record, in batches of :data:`EMBED_BATCH`, and kept on it."""
    todo = list(
        {id(r): r for r in records if r.embedding_memo is None and r is not NO_RECORD}.values()
    )
    for start in range(0, len(todo), EMBED_BATCH):
        chunk = todo[start : start + EMBED_BATCH]
        texts = [record_text(r) for r in chunk]
        vectors = embedder().embed(texts) if any(texts) else None
        for k, (record, text) in enumerate(zip(chunk, texts, strict=True)):
            memo: Any = _EMPTY if vectors is None or not text else vectors[k].astype(np.float16)
            object.__setattr__(record, "embedding_memo", memo)
    return [_EMPTY if r is NO_RECORD else r.embedding_memo for r in records]


def record_similarities(
    records: Sequence[RecordEvidence], rl: np.ndarray, rr: np.ndarray
) -> np.ndarray:
    """Cosine of the embeddings of the record pairs ``(records[rl[k]], records[rr[k]])``,
    0 where either has no text (see ``embedding_missing``)."""
    vectors = record_embeddings(records)
    dims = max((len(v) for v in vectors), default=0)
    out = np.zeros(len(rl))
    if not dims or not len(rl):
        return out
    matrix = np.zeros((len(vectors), dims), dtype=np.float32)
    for i, v in enumerate(vectors):
        if len(v):
            matrix[i] = v
    return (matrix[rl] * matrix[rr]).sum(axis=1, dtype=np.float32).astype(float)


def has_text(records: Sequence[RecordEvidence]) -> np.ndarray:
    """Boolean per record: whether it has an embedding (words or MeSH headings)."""
    return np.array([len(v) > 0 for v in record_embeddings(records)], dtype=bool)
