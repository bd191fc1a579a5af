"""Peak memory of an ingest against the bytes of the vectors it writes.

Run: ``python bench/ingest_memory.py [--documents 5000] [--json bench/results/ingest_memory.json]``

The documents are made from XQuAD's Vietnamese contexts (ten different contexts each, so every
file is new); the embedder is a deterministic hashed projection of the model's dimension (384),
because this measures where vectors are held, not the model (whose memory is the same for any
batch). Each ingest runs in a fresh process: first a batch into an empty index, then a second,
smaller batch appended to it. Reported: vector bytes (passages and sentences, float32), the
process's peak resident memory above what it held before the ingest, and their ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from eval.report import emit_json
from eval.xquad import parallel
from index.settings import DenseSettings, Settings
from index.store import IndexStore
from index.text import fold, tokens
from index.tokens import PassageTokens
from ingest.pipeline import ingest_paths


class HashedEmbedder:
    """Each folded syllable adds a fixed pseudo-random vector: deterministic, fast, 384-d."""

    name = "hashed-384"
    dim = 384

    def _vector(self, token: str) -> np.ndarray:
        seed = int(hashlib.md5(fold(token).encode()).hexdigest()[:8], 16)
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        cache: dict[str, np.ndarray] = {}
        for i, text in enumerate(texts):
            for tok in tokens(text)[:64]:
                if tok not in cache:
                    cache[tok] = self._vector(tok)
                out[i] += cache[tok]
        out[:, 0] += 1e-3
        return np.asarray(out / np.linalg.norm(out, axis=1, keepdims=True), dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages_with_tokens(self, texts: Sequence[str],
                                   keep: Sequence[bool]) -> tuple[np.ndarray, list[PassageTokens | None]]:
        """As the real model's run: the kept texts' token states too (one per syllable and a half,
        about what the tokenizer gives Vietnamese), so their memory is in the measurement."""
        states: list[PassageTokens | None] = []
        for text, wanted in zip(texts, keep, strict=True):
            rows = 3 * len(tokens(text)) // 2
            seed = int(hashlib.md5(text.encode()).hexdigest()[:8], 16)
            states.append(PassageTokens.quantise(np.random.default_rng(seed).standard_normal(
                (max(rows, 1), self.dim)).astype(np.float32)) if wanted else None)
        return self._embed(texts), states

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def count_tokens(self, text: str) -> int:
        return 2 + len(text.split()) * 2


def make_documents(folder: Path, count: int, seed: int) -> None:
    contexts = list(parallel()[0].values())
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = "\n\n".join(rng.sample(contexts, 10))
        (folder / f"doc-{seed}-{n:06d}.txt").write_text(text, encoding="utf-8")


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6


def child(index_dir: Path, folder: Path) -> dict[str, Any]:
    """One ingest in this (fresh) process."""
    settings = replace(Settings(), index_dir=index_dir, dense=DenseSettings(ann_min_vectors=10**9))
    store = IndexStore(index_dir, settings.dense)
    before = _rss_mb()
    started = time.perf_counter()
    report = ingest_paths([folder], store, HashedEmbedder(), settings)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000  # kB -> MB
    snapshot = store.load()
    vector_mb = (snapshot.vectors.nbytes + snapshot.sentence_vectors.nbytes) / 1e6
    tokens = snapshot.tokens
    token_mb = 0.0 if tokens is None else (tokens.states.nbytes + tokens.scales.nbytes) / 1e6
    added = sum(n for _, _, n in report.added)
    return {"documents_added": len(report.added), "passages_added": added,
            "passages_total": len(snapshot.passages), "vector_mb_total": round(vector_mb, 1),
            "token_state_mb_total": round(token_mb, 1),
            "peak_above_start_mb": round(peak - before, 1),
            "peak_over_vectors": round((peak - before) / vector_mb, 2), "seconds": round(seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))  # noqa: T201 - read by the parent
        return 0
    results: dict[str, Any] = {"documents": args.documents, "embedder": HashedEmbedder.name}
    with tempfile.TemporaryDirectory(prefix="hoinghi-mem-") as tmp:
        index_dir = Path(tmp) / "index"
        for name, count, seed in (("first_batch", args.documents, 0),
                                  ("appended_batch", max(1, args.documents // 5), 1)):
            folder = Path(tmp) / name
            make_documents(folder, count, seed)
            run = subprocess.run([sys.executable, __file__, "--child", str(index_dir), str(folder)],
                                 capture_output=True, text=True, check=True)
            results[name] = json.loads(run.stdout.strip().splitlines()[-1])
    print(emit_json(results, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
