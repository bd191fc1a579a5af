"""Exact FAISS search against HNSW, IVF-Flat and IVF-PQ at scale, on synthetic passage-like vectors.

Run: ``python bench/ann.py [--sizes 100000 1000000] [--json bench/results/ann.json]``

Vectors: clustered unit vectors of the bundled model's dimension (384), so neighbourhoods are
uneven as in real text (pure random vectors make every index look good or bad at random).
Queries are perturbed copies of held-out points. For each index: build seconds, memory (bytes of
the serialised index), query ms (p50, one query at a time, as the service searches) and
recall@10 against exact search.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.report import emit_json


def synthetic(n: int, dim: int, seed: int = 0, clusters: int = 2000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    labels = rng.integers(0, clusters, n)
    x = centres[labels] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)


def measure(index: Any, queries: np.ndarray, truth: np.ndarray, k: int = 10) -> dict[str, float]:
    import faiss

    ms, found = [], 0
    for i, q in enumerate(queries):
        t = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        ms.append(1000 * (time.perf_counter() - t))
        found += len(set(ids[0].tolist()) & set(truth[i].tolist()))
    return {"query_ms_p50": round(statistics.median(ms), 3),
            "recall@10": round(found / (k * len(queries)), 4),
            "bytes": int(faiss.serialize_index(index).nbytes)}


def run(n: int, dim: int = 384, n_queries: int = 300) -> dict[str, Any]:
    import faiss

    data = synthetic(n + n_queries, dim)
    base, held = data[:n], data[n:]
    rng = np.random.default_rng(1)
    queries = held + 0.05 * rng.standard_normal(held.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    out: dict[str, Any] = {"n": n, "dim": dim}

    t = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(base)
    build = time.perf_counter() - t
    _, truth = flat.search(queries, 10)
    out["exact"] = {"build_s": round(build, 1), **measure(flat, queries, truth)}

    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(base)
    build = time.perf_counter() - t
    for ef_search in (32, 64, 128, 256, 512, 1024):
        hnsw.hnsw.efSearch = ef_search
        out[f"hnsw_m32_ef{ef_search}"] = {"build_s": round(build, 1), **measure(hnsw, queries, truth)}

    nlist = int(4 * np.sqrt(n))
    t = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(base[: min(n, 50 * nlist)])
    ivf.add(base)
    build = time.perf_counter() - t
    for nprobe in (16, 64, 128):
        ivf.nprobe = nprobe
        out[f"ivfflat_nlist{nlist}_nprobe{nprobe}"] = {"build_s": round(build, 1),
                                                       **measure(ivf, queries, truth)}

    t = time.perf_counter()
    quantizer = faiss.IndexFlatIP(dim)
    ivfpq = faiss.IndexIVFPQ(quantizer, dim, nlist, 48, 8, faiss.METRIC_INNER_PRODUCT)
    ivfpq.train(base[: min(n, 100 * nlist)])
    ivfpq.add(base)
    build = time.perf_counter() - t
    for nprobe in (16, 64):
        ivfpq.nprobe = nprobe
        out[f"ivfpq_nlist{nlist}_nprobe{nprobe}"] = {"build_s": round(build, 1),
                                                     **measure(ivfpq, queries, truth)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    print(emit_json([run(n) for n in args.sizes], args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
