"""Hybrid retrieval: dense and BM25 candidates fused with weights chosen by query language.

BM25 on an English question over Vietnamese text is mostly noise (English words collide with
folded Vietnamese syllables: the/thẻ, can/cần), so English questions match lexically only on
their anchors, numbers and names, as written, and with a lower weight.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

import numpy as np

from index.dense import DenseIndex
from index.diacritics import DiacriticModel, mostly_bare
from index.embed import Embedder, gives_token_states
from index.lexical import LexicalIndex, query_terms
from index.settings import RetrievalSettings
from index.store import Snapshot
from index.text import anchor_tokens, detect_language
from index.types import Hit

log = logging.getLogger(__name__)


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


def _top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values, unordered (the pool is a set).

    FAISS's heap selection, as an inner product with a one-dimensional query of 1: at 1M BM25
    scores 0.8 ms, where ``np.argpartition`` took 10-12 ms.
    """
    import faiss

    if values.size <= k:
        return np.arange(values.size)
    column = np.ascontiguousarray(values, dtype=np.float32).reshape(-1, 1)
    _, ids = faiss.knn(np.ones((1, 1), dtype=np.float32), column, k, metric=faiss.METRIC_INNER_PRODUCT)
    return np.asarray(ids[0], dtype=np.int64)


class HybridRetriever:
    """Searches one loaded snapshot; holds no state besides what it is given.

    A passage's dense score is the mean of its own cosine and its best sentence's cosine: the
    sentence view finds the one line a question is about (English questions over Vietnamese
    passages gained most), the passage view keeps the context.
    """

    def __init__(self, snapshot: Snapshot, embedder: Embedder, settings: RetrievalSettings) -> None:
        self.passages = snapshot.passages
        self.embedder = embedder
        self.settings = settings
        self._vectors = snapshot.vectors
        self._sentence_vectors = snapshot.sentence_vectors
        self._owner = snapshot.sentence_owner()
        counts = np.array([len(p.sentences) for p in self.passages], dtype=np.int64)
        self._first_sentence = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
        self._sentence_count = counts
        # The saved indexes (exact or HNSW, as the manifest says) when the snapshot was loaded.
        self.dense, self.sentence_dense = snapshot.indexes or (
            DenseIndex(snapshot.dim, snapshot.vectors), DenseIndex(snapshot.dim, snapshot.sentence_vectors))
        self.lexical = snapshot.lexical or LexicalIndex([p.embed_text for p in self.passages])
        self.diacritics = snapshot.diacritics or DiacriticModel(p.search_body for p in self.passages)
        self.tokens = snapshot.tokens
        self._generic = self._genericness(snapshot.sentence_vectors)
        # Re-ranked by token states when the snapshot has them and the embedder gives a question's.
        gives = gives_token_states(embedder)
        self.reranks = self.tokens is not None and gives
        if self.tokens is None and self.passages and gives:
            log.info("this index has no token states (built before hoinghi kept them, by the torch "
                     "backend, or past DenseSettings.token_states_max): English questions are not "
                     "re-ranked; re-ingest into a fresh --index-dir with the default backend to add them")

    def _genericness(self, sentence_vectors: np.ndarray) -> np.ndarray:
        """Each sentence's cosine with the empty question, centred on the index's mean: how
        near a sentence is to every question (a "hub" of the embedding space)."""
        if not len(sentence_vectors):
            return np.zeros(0, dtype=np.float32)
        empty = self.embedder.embed_queries([""])[0]
        cosines = np.asarray(sentence_vectors @ empty, dtype=np.float32)
        return cosines - np.float32(cosines.mean())

    def prepare(self, query: str) -> str:
        """The query as searched: a Vietnamese query typed without diacritics gets them back."""
        if self.settings.restore_diacritics and detect_language(query) == "vi" and mostly_bare(query):
            restored = self.diacritics.restore(query)
            log.debug("restored diacritics: %r -> %r", query, restored)
            return restored
        return query

    def lexical_query(self, query: str, language: str) -> tuple[list[str], float]:
        """The BM25 terms and fusion weight for this query in its ``language``."""
        if language == "en":
            return anchor_tokens(query), self.settings.lexical_weight_en
        return query_terms(query), self.settings.lexical_weight_vi

    def token_weight(self, language: str) -> float:
        """The weight of the token re-ranking for questions in ``language`` (0: none)."""
        if not self.reranks:
            return 0.0
        s = self.settings
        return s.token_weight_en if language == "en" else s.token_weight_vi

    def _sentences_of(self, row: int) -> slice:
        """The rows of passage ``row``'s sentences among the sentence vectors."""
        first = int(self._first_sentence[row])
        return slice(first, first + int(self._sentence_count[row]))

    def _sentence_cosines(self, row: int, qvec: np.ndarray) -> np.ndarray:
        return np.asarray(self._sentence_vectors[self._sentences_of(row)] @ qvec)

    def _dense_scores(self, pool: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """Exact mean of passage cosine and best-sentence cosine for the pool passages."""
        passage_sim = self._vectors[pool] @ qvec
        best = passage_sim.copy()
        for i, row in enumerate(pool):
            if self._sentence_count[row]:
                best[i] = float(self._sentence_cosines(row, qvec).max())
        return np.asarray((passage_sim + best) / 2.0, dtype=np.float32)

    def search(
        self, query: str, k: int = 10, document_ids: Collection[str] | None = None
    ) -> list[Hit]:
        n = len(self.passages)
        if n == 0 or not query.strip():
            return []
        query = self.prepare(query)
        query_tokens: np.ndarray | None = None
        language = detect_language(query)
        token_weight = self.token_weight(language)
        if token_weight > 0:
            qvec, query_tokens = self.embedder.query_states(query)  # type: ignore[attr-defined]
        else:
            qvec = self.embedder.embed_queries([query])[0]
        if document_ids is not None:
            pool = np.array([i for i, p in enumerate(self.passages) if p.document_id in document_ids],
                            dtype=np.int64)
        else:
            size = max(self.settings.candidates, k)
            _, passage_ids = self.dense.search(qvec, size)
            _, sentence_ids = self.sentence_dense.search(qvec, size)
            pool = np.concatenate([passage_ids, self._owner[sentence_ids]])
        terms, weight = self.lexical_query(query, language)
        lexical_all = self.lexical.scores(terms)
        if document_ids is None:
            size = max(self.settings.candidates, k)
            lexical_ids = _top_indices(lexical_all, size)
            pool = np.concatenate([pool, lexical_ids[lexical_all[lexical_ids] > 0]])
        pool = np.unique(pool)
        if pool.size == 0:
            return []
        dense_pool = self._dense_scores(pool, qvec)
        lexical_pool = lexical_all[pool]
        bound = self.lexical.upper_bound(terms)
        lexical_norm = lexical_pool / bound if bound > 0 else np.zeros_like(lexical_pool)
        fused = (1.0 - weight) * _minmax(dense_pool) + weight * lexical_norm
        order = np.argsort(-fused, kind="stable")[: max(k, self.settings.token_depth)]
        score, token = fused, np.full(len(fused), np.nan, dtype=np.float32)
        if query_tokens is not None and self.tokens is not None:
            token[order] = self.tokens.maxsim(query_tokens, pool[order])
            score = np.where(np.isnan(token), fused, (1.0 - token_weight) * fused + token_weight * token)
            order = order[np.argsort(-score[order], kind="stable")]
        return [
            Hit(
                passage=self.passages[int(pool[i])],
                score=float(score[i]),
                dense_score=float(dense_pool[i]),
                lexical_score=float(lexical_pool[i]),
                sentence_scores=tuple(self._sentence_cosines(int(pool[i]), qvec).tolist()),
                sentence_generic=tuple(self._generic[self._sentences_of(int(pool[i]))].tolist()),
                fused_score=None if np.isnan(token[i]) else float(fused[i]),
                token_score=None if np.isnan(token[i]) else float(token[i]),
            )
            for i in order[:k]
        ]
