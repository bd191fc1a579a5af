"""Dense retrieval: FAISS inner product over L2-normalised vectors (cosine similarity)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexStoreError


class DenseIndex:
    """An exact FAISS ``IndexFlatIP``; row ``i`` is passage ``i`` of the store."""

    def __init__(self, dim: int, vectors: np.ndarray | None = None) -> None:
        import faiss

        self.dim = dim
        self._index: Any = faiss.IndexFlatIP(dim)
        if vectors is not None and len(vectors):
            self.add(vectors)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise IndexStoreError(f"vectors of shape {vectors.shape} do not fit dimension {self.dim}")
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def vectors(self) -> np.ndarray:
        """All stored vectors, in row order."""
        if self.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._index.reconstruct_n(0, self.size), dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, row ids) for one query vector."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, ids = self._index.search(np.ascontiguousarray(query[None, :], dtype=np.float32), k)
        return scores[0], ids[0]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, dim: int) -> DenseIndex:
        import faiss

        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise IndexStoreError(
                f"{path}: FAISS index unreadable", remedy="re-ingest into a fresh --index-dir"
            ) from exc
        if index.d != dim:
            raise IndexStoreError(f"{path}: dimension {index.d}, manifest says {dim}")
        out = cls(dim)
        out._index = index
        return out
