"""Hybrid retrieval: dense and BM25 candidates fused with weights chosen by query language.

BM25 on an English question over Vietnamese text is mostly noise (English words collide with
folded Vietnamese syllables: the/thẻ, can/cần), so English questions match lexically only on
their anchors, numbers and names, as written, and with a lower weight.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from index.dense import DenseIndex
from index.embed import Embedder
from index.lexical import LexicalIndex, query_terms
from index.settings import RetrievalSettings
from index.text import anchor_tokens, detect_language
from index.store import Snapshot
from index.types import Hit, Passage


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


class HybridRetriever:
    """Searches one loaded index; holds no state besides what it is given."""

    def __init__(
        self,
        passages: Sequence[Passage],
        dense: DenseIndex,
        lexical: LexicalIndex,
        embedder: Embedder,
        settings: RetrievalSettings,
    ) -> None:
        self.passages = passages
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self.settings = settings

    def lexical_query(self, query: str) -> tuple[list[str], float]:
        """The BM25 terms and fusion weight for this query's language."""
        if detect_language(query) == "en":
            return anchor_tokens(query), self.settings.lexical_weight_en
        return query_terms(query), self.settings.lexical_weight_vi

    def search(
        self, query: str, k: int = 10, document_ids: Collection[str] | None = None
    ) -> list[Hit]:
        n = len(self.passages)
        if n == 0 or not query.strip():
            return []
        allowed = None
        if document_ids is not None:
            allowed = np.array([p.document_id in document_ids for p in self.passages])
        pool_size = n if allowed is not None else min(n, max(self.settings.candidates, k))
        qvec = self.embedder.embed_queries([query])[0]
        dense_scores_top, dense_ids = self.dense.search(qvec, pool_size)
        dense_all = np.full(n, np.nan, dtype=np.float32)
        dense_all[dense_ids] = dense_scores_top
        terms, weight = self.lexical_query(query)
        lexical_all = self.lexical.scores(terms)
        lexical_ids = np.argsort(-lexical_all, kind="stable")[:pool_size]
        lexical_ids = lexical_ids[lexical_all[lexical_ids] > 0]
        pool = np.unique(np.concatenate([dense_ids, lexical_ids]))
        if allowed is not None:
            pool = pool[allowed[pool]]
        if pool.size == 0:
            return []
        missing = np.isnan(dense_all[pool])
        if missing.any():  # lexical-only candidates get their exact cosine
            vecs = self.dense.rows(pool[missing])
            dense_all[pool[missing]] = vecs @ qvec
        dense_pool = dense_all[pool]
        lexical_pool = lexical_all[pool]
        top = float(lexical_pool.max())
        lexical_norm = lexical_pool / top if top > 0 else np.zeros_like(lexical_pool)
        fused = (1.0 - weight) * _minmax(dense_pool) + weight * lexical_norm
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(
                passage=self.passages[int(pool[i])],
                score=float(fused[i]),
                dense_score=float(dense_pool[i]),
                lexical_score=float(lexical_pool[i]),
            )
            for i in order
        ]


def open_retriever(snapshot: Snapshot, embedder: Embedder, settings: RetrievalSettings) -> HybridRetriever:
    """Build the in-memory dense and lexical indexes of a loaded snapshot."""
    dense = DenseIndex(snapshot.dim, snapshot.vectors)
    lexical = LexicalIndex([p.embed_text for p in snapshot.passages])
    return HybridRetriever(snapshot.passages, dense, lexical, embedder, settings)
