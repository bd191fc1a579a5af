"""Dense retrieval: FAISS inner product over L2-normalised vectors (cosine similarity).

Exact ``IndexFlatIP`` up to ``DenseSettings.ann_min_vectors`` rows, HNSW past it: exact search
costs ~0.18 ms per 1,000 vectors here (179 ms at 1M); HNSW M=32 with efSearch 2048 keeps
hoinghi's top 10 at recall >= 0.96 against exact at 1M passages (bench/ann.py, bench/scale.py,
README "Scale").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexStoreError
from index.settings import DenseSettings


class _IndexBacked(np.ndarray):
    """Vectors living inside a FAISS index; ``owner`` keeps that index alive as long as any view."""

    owner: Any = None


class DenseIndex:
    """Row ``i`` is vector ``i`` of the store; ``kind`` is "flat" (exact) or "hnsw"."""

    def __init__(self, dim: int, vectors: np.ndarray | None = None) -> None:
        import faiss

        self.dim = dim
        self._index: Any = faiss.IndexFlatIP(dim)
        self._ef_search = 0
        if vectors is not None and len(vectors):
            self.add(vectors)

    @staticmethod
    def kind_for(rows: int, settings: DenseSettings) -> str:
        """Exact below ``settings.ann_min_vectors`` rows, HNSW from there on."""
        return "flat" if rows < settings.ann_min_vectors else "hnsw"

    @classmethod
    def empty(cls, dim: int, rows: int, settings: DenseSettings) -> DenseIndex:
        """An empty index of the kind ``rows`` vectors call for."""
        out = cls(dim)
        if cls.kind_for(rows, settings) == "hnsw":
            import faiss

            out._index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            out._index.hnsw.efConstruction = settings.hnsw_ef_construction
            out._ef_search = settings.hnsw_ef_search
        return out

    @classmethod
    def build(cls, dim: int, vectors: np.ndarray, settings: DenseSettings) -> DenseIndex:
        """An index of ``vectors``, exact or HNSW as their number calls for."""
        out = cls.empty(dim, len(vectors), settings)
        if len(vectors):
            out.add(vectors)
        return out

    def reserve(self, rows: int) -> None:
        """Allocate storage for ``rows`` vectors now, so adding up to them never reallocates
        (a reallocation briefly holds the old and the new storage: up to three times the vectors).

        Adding to an index moves its storage: views from ``vectors()`` taken before are invalid.
        """
        codes = self._storage().codes
        current, wanted = int(codes.size()), rows * self.dim * 4
        if wanted > current:
            codes.resize(wanted)  # std::vector keeps the capacity when shrunk back
            codes.resize(current)

    def _storage(self) -> Any:
        import faiss

        return faiss.downcast_index(self._index.storage) if self.kind == "hnsw" else self._index

    def with_ef_search(self, ef_search: int) -> DenseIndex:
        """The same HNSW index searched with another efSearch (no copy); exact stays exact."""
        out = DenseIndex(self.dim)
        out._index = self._index
        out._ef_search = ef_search if self.kind == "hnsw" else 0
        return out

    @property
    def kind(self) -> str:
        return "hnsw" if self._ef_search else "flat"

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def describe(self) -> dict[str, Any]:
        """What the manifest records about this index."""
        if self.kind == "flat":
            return {"kind": "flat", "vectors": self.size}
        hnsw = self._index.hnsw
        return {"kind": "hnsw", "vectors": self.size, "m": int(hnsw.nb_neighbors(1)),
                "ef_construction": int(hnsw.efConstruction), "ef_search": self._ef_search}

    def add(self, vectors: np.ndarray) -> None:
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise IndexStoreError(f"vectors of shape {vectors.shape} do not fit dimension {self.dim}")
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def vectors(self) -> np.ndarray:
        """All stored vectors in row order: a read-only view of the index's own storage (no copy;
        the view keeps the index alive), so a loaded index does not hold its vectors twice."""
        if self.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        import faiss

        flat = faiss.rev_swig_ptr(self._storage().get_xb(), self.size * self.dim)
        view = np.asarray(flat, dtype=np.float32).reshape(self.size, self.dim).view(_IndexBacked)
        view.owner = self
        view.flags.writeable = False
        return view

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, row ids) for one query vector."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        x = np.ascontiguousarray(query[None, :], dtype=np.float32)
        if self.kind == "hnsw":
            import faiss

            params = faiss.SearchParametersHNSW(efSearch=max(self._ef_search, k))  # type: ignore[attr-defined]
            scores, ids = self._index.search(x, k, params=params)
        else:
            scores, ids = self._index.search(x, k)
        keep = ids[0] >= 0  # HNSW may return fewer than k
        return scores[0][keep], ids[0][keep]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, dim: int, settings: DenseSettings | None = None) -> DenseIndex:
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
        if isinstance(index, faiss.IndexHNSW):
            out._ef_search = (settings or DenseSettings()).hnsw_ef_search
        return out
