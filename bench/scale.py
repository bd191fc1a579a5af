"""`/search` at scale: hoinghi's retriever over N synthetic passages, HNSW against exact FAISS.

Run: ``python bench/scale.py --sizes 100000 1000000 [--queries 200] [--ef-search 256 1024]
[--json bench/results/scale.json]``

Passages are real Vietnamese text: two sentences drawn from the XQuAD vi contexts, with their
sentence spans, 1,000 passages per document. Their vectors are the bundled model's vectors of
those sentences plus Gaussian noise (norm ~0.3), so every passage has near neighbours as in a
real collection; no downloads. Each size is saved through ``IndexStore`` with the default
``DenseSettings`` (HNSW past the switch-over), loaded, and searched through ``HybridRetriever``
exactly as ``GET /search`` does (query embedding, passage and sentence candidates, BM25 over the
passages, fusion, top 10), with XQuAD vi and en questions. recall@10 compares the fused top 10
with the same retriever over exact ``IndexFlatIP`` indexes of the same vectors.
"""

from __future__ import annotations

import argparse
import copy
import logging
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentile
from eval.report import emit_json
from eval.xquad import parallel
from index.embed import Embedder, load_embedder
from index.hybrid import HybridRetriever
from index.settings import Settings
from index.store import IndexStore, Snapshot
from index.types import Document, PageSpan, Passage, content_id
from ingest.chunk import sentences

_PER_DOCUMENT = 1000
_NOISE = 0.3


def _sentence_pool(contexts: dict[str, str]) -> list[str]:
    out: list[str] = []
    for text in contexts.values():
        out.extend(text[s:e] for s, e in sentences(text, 0, len(text)) if len(text[s:e]) > 20)
    return out


def _noisy(rng: np.random.Generator, pool_vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Sum of the pool vectors of each row of ``rows`` plus noise, normalised, in chunks."""
    out = np.empty((len(rows), pool_vectors.shape[1]), dtype=np.float32)
    scale = _NOISE / np.sqrt(pool_vectors.shape[1])
    for start in range(0, len(rows), 50_000):
        block = pool_vectors[rows[start:start + 50_000]].sum(axis=1)
        block += rng.standard_normal(block.shape, dtype=np.float32) * scale
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + len(block)] = block
    return out


def synthetic_snapshot(n: int, pool: list[str], pool_vectors: np.ndarray, embedder: Embedder,
                       seed: int = 0) -> Snapshot:
    """``n`` passages of two pool sentences each, grouped into documents, with noisy vectors."""
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, len(pool), size=(n, 2))
    documents: dict[str, Document] = {}
    passages: list[Passage] = []
    for first in range(0, n, _PER_DOCUMENT):
        doc_id = content_id("scale", first)
        parts, offset, spans = [], 0, []
        for a, b in pairs[first:first + _PER_DOCUMENT]:
            one, two = pool[a], pool[b]
            text = f"{one} {two}"
            spans.append((offset, offset + len(text), ((offset, offset + len(one)),
                                                       (offset + len(one) + 1, offset + len(text)))))
            parts.append(text)
            offset += len(text) + 2
        doc_text = "\n\n".join(parts)
        documents[doc_id] = Document(doc_id, f"scale-{first}", f"scale-{first}.txt", doc_id,
                                     doc_text, (PageSpan(1, 0, len(doc_text)),))
        passages.extend(Passage(content_id(doc_id, s), doc_id, doc_text[s:e], s, e, 1, (), sent)
                        for s, e, sent in spans)
    vectors = _noisy(rng, pool_vectors, pairs)
    sentence_vectors = _noisy(rng, pool_vectors, pairs.reshape(-1, 1))
    return Snapshot(embedder.name, embedder.dim, {}, documents, tuple(passages), vectors, sentence_vectors)


class _Exact:
    """Exact inner-product top k over the loaded vectors themselves (no second copy in FAISS)."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores = self.vectors @ query
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return scores[top], top.astype(np.int64)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _exact(exact: HybridRetriever, questions: list[str]) -> tuple[list[set[str]], float]:
    """The exact top 10 of each question, and the p50 time of exact search."""
    truths, times = [], []
    for q in questions:
        t = time.perf_counter()
        truths.append({h.passage.id for h in exact.search(q, 10)})
        times.append(1000 * (time.perf_counter() - t))
    return truths, percentile(times, 50)


def _measure(retriever: HybridRetriever, questions: list[str], truths: list[set[str]]) -> dict[str, Any]:
    times, recalls = [], []
    for q, want in zip(questions, truths, strict=True):
        t = time.perf_counter()
        hits = retriever.search(q, 10)
        times.append(1000 * (time.perf_counter() - t))
        recalls.append(len(want & {h.passage.id for h in hits}) / max(len(want), 1))
    return {"search_ms_p50": round(percentile(times, 50), 1),
            "search_ms_p95": round(percentile(times, 95), 1),
            "recall@10_vs_exact": round(float(np.mean(recalls)), 4)}


def run(n: int, settings: Settings, embedder: Embedder, pool: list[str], pool_vectors: np.ndarray,
        questions: dict[str, list[str]], ef_search: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"passages": n}
    t = time.perf_counter()
    snapshot = synthetic_snapshot(n, pool, pool_vectors, embedder)
    out["sentences"] = len(snapshot.sentence_vectors)
    out["make_s"] = round(time.perf_counter() - t, 1)
    with tempfile.TemporaryDirectory() as tmp:
        store = IndexStore(Path(tmp), settings.dense)
        t = time.perf_counter()
        store.save(snapshot)
        out["save_s"] = round(time.perf_counter() - t, 1)
        del snapshot
        t = time.perf_counter()  # the first load builds BM25 and writes it beside the snapshot
        retriever = HybridRetriever(store.load(lexical=True), embedder, settings.retrieval)
        out["first_load_s"] = round(time.perf_counter() - t, 1)
        del retriever
        t = time.perf_counter()  # what every later process pays
        loaded = store.load(lexical=True)
        retriever = HybridRetriever(loaded, embedder, settings.retrieval)
        out["load_s"] = round(time.perf_counter() - t, 1)
        out["dense"] = {"passages": retriever.dense.describe(),
                        "sentences": retriever.sentence_dense.describe()}
        exact = copy.copy(retriever)  # same BM25 and diacritic model, exact dense search
        exact.dense = _Exact(loaded.vectors)  # type: ignore[assignment]
        exact.sentence_dense = _Exact(loaded.sentence_vectors)  # type: ignore[assignment]
        truths = {}
        for language, qs in questions.items():
            truths[language], exact_ms = _exact(exact, qs)
            out[f"exact_{language}"] = {"questions": len(qs), "search_ms_p50": round(exact_ms, 1)}
        for ef in ef_search:
            tuned = copy.copy(retriever)
            tuned.dense = retriever.dense.with_ef_search(ef)
            tuned.sentence_dense = retriever.sentence_dense.with_ef_search(ef)
            out[f"ef{ef}"] = {language: _measure(tuned, qs, truths[language])
                              for language, qs in questions.items()}
    out["peak_rss_mb"] = round(_rss_mb())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--queries", type=int, default=200, help="questions per language")
    parser.add_argument("--ef-search", type=int, nargs="+", default=[256],
                        help="HNSW efSearch values, each measured on the same build")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = Settings.from_env()
    embedder = load_embedder(settings.model)
    contexts, items = parallel()
    pool = _sentence_pool(contexts)
    pool_vectors = embedder.embed_passages(pool)
    questions = {lang: [i.question for i in group[: args.queries]] for lang, group in items.items()}
    results = []
    for n in args.sizes:
        logging.info("scale: %d passages", n)
        results.append(run(n, settings, embedder, pool, pool_vectors, questions, args.ef_search))
        logging.info("scale: %s", results[-1])
    print(emit_json(results, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
