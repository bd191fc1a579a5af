"""hoinghi beside the plain LangChain pipeline, same machine, same model, same corpus, one run.

Run: ``python bench/langchain_side_by_side.py [--repeat N] [--alone PIPELINE] [--xquad-limit N]
[--json bench/results/langchain.json]``
(needs ``pip install langchain-community``; see README "Benchmarks").

The plain pipeline is what a user would write from LangChain's tutorials: read each file,
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, LangChain's FAISS vector
store, ``similarity_search(q, k)``, with the very same embedding model (bundled
multilingual-e5-small with its query/passage prompts) wrapped as LangChain ``Embeddings``.

The LangChain pipeline runs twice: with hoinghi's embedder (the same engine, OpenVINO by default:
equal engines, so the difference is the pipeline) and with the model through sentence-transformers
on torch, as LangChain's ``HuggingFaceEmbeddings`` would load it (what a LangChain user gets).

Reported for the bundled corpus (dev set) and the XQuAD contexts (vi and en questions): ingest
seconds (with ``--repeat N``: the median of N builds, interleaved, every run listed; ``--alone``
loads and builds one pipeline only, so no other engine's threads share the process), query p50
ms, Recall@1/@5 (dev: a passage with an evidence string; XQuAD: the gold context), and the
ratios hoinghi / LangChain.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from api.answer import normalise
from api.service import BUNDLED_CORPUS, Service
from eval.qa import DEV_QA, load_qa
from eval.report import emit_json
from eval.xquad import parallel
from index.embed import Embedder
from index.settings import Settings

PIPELINES = ("hoinghi", "langchain", "langchain_torch")

# A retrieved chunk: its text and the name of the file it came from.
Retrieve = Callable[[str, int], list[tuple[str, str]]]


class LangChainEmbeddings:
    """hoinghi's embedder as a LangChain ``Embeddings`` (same model, same prompts)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.embedder.embed_passages(texts)]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self.embedder.embed_queries([text])[0]))


def langchain_pipeline(folder: Path, embedder: Embedder) -> tuple[Retrieve, float]:
    from langchain_community.vectorstores import FAISS
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    class Wrapped(LangChainEmbeddings, Embeddings):
        pass

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts, metadatas = [], []
    for path in sorted(folder.glob("*.txt")):
        for chunk in splitter.split_text(path.read_text(encoding="utf-8")):
            texts.append(chunk)
            metadatas.append({"source": path.stem})
    store = FAISS.from_texts(texts, Wrapped(embedder), metadatas=metadatas)
    seconds = time.perf_counter() - started

    def retrieve(query: str, k: int) -> list[tuple[str, str]]:
        return [(d.page_content, d.metadata["source"]) for d in store.similarity_search(query, k=k)]

    return retrieve, seconds


def hoinghi_pipeline(folder: Path, settings: Settings, embedder: Embedder,
                     index_dir: Path) -> tuple[Retrieve, float]:
    service = Service(replace(settings, index_dir=index_dir), embedder)
    started = time.perf_counter()
    service.ingest([folder])
    seconds = time.perf_counter() - started
    names = {d.id: d.name for d in service.documents()}

    def retrieve(query: str, k: int) -> list[tuple[str, str]]:
        return [(h.passage.text, names[h.passage.document_id]) for h in service.search(query, k=k)]

    return retrieve, seconds


def _timed(retrieve: Retrieve, questions: Sequence[str], k: int) -> tuple[list[list[tuple[str, str]]], float]:
    results, ms = [], []
    retrieve(questions[0], k)  # warm
    for q in questions:
        t = time.perf_counter()
        results.append(retrieve(q, k))
        ms.append(1000 * (time.perf_counter() - t))
    return results, statistics.median(ms)


def dev_quality(retrieve: Retrieve) -> dict[str, float]:
    items = [i for i in load_qa(DEV_QA) if i.answerable]
    results, p50 = _timed(retrieve, [i.question for i in items], 5)
    ranks = []
    for item, hits in zip(items, results, strict=True):
        wanted = [normalise(e) for e in item.evidence]
        ranks.append(next((r for r, (text, _) in enumerate(hits, 1)
                           if any(w in normalise(text) for w in wanted)), None))
    n = len(ranks)
    return {"R@1": round(sum(r == 1 for r in ranks) / n, 3),
            "R@5": round(sum(r is not None for r in ranks) / n, 3), "query_ms_p50": round(p50, 1)}


def xquad_quality(retrieve: Retrieve, questions: Sequence[tuple[str, str]]) -> dict[str, float]:
    results, p50 = _timed(retrieve, [q for q, _ in questions], 20)
    r1 = r5 = 0
    for (_, gold), hits in zip(questions, results, strict=True):
        order = list(dict.fromkeys(name for _, name in hits))
        r1 += bool(order) and order[0] == gold
        r5 += gold in order[:5]
    n = len(questions)
    return {"R@1": round(r1 / n, 3), "R@5": round(r5 / n, 3), "query_ms_p50": round(p50, 1)}


def ratios(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float]:
    return {**{f"{k}_time": round(ours[f"{k}_seconds"] / theirs[f"{k}_seconds"], 2)
               for k in ("bundled_ingest", "ingest")},
            **{f"{k}_query_time": round(ours[k]["query_ms_p50"] / theirs[k]["query_ms_p50"], 2)
               for k in ours if isinstance(ours[k], dict) and "query_ms_p50" in ours[k]}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--xquad-limit", type=int, default=None, help="first N questions per language")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1,
                        help="ingest each corpus N times per pipeline, interleaved; medians reported")
    parser.add_argument("--alone", choices=PIPELINES, default=None,
                        help="load and build this pipeline only (no other engine in the process)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    from index.embed import load_embedder

    names = (args.alone,) if args.alone else PIPELINES
    # hoinghi and LangChain on the same engine share the configured embedder; torch has its own.
    embedder = load_embedder(settings.model) if set(names) - {"langchain_torch"} else None
    torch_embedder = (load_embedder(replace(settings.model, backend="torch"))
                      if "langchain_torch" in names else None)
    out: dict[str, Any] = {"model": settings.model.name}
    with tempfile.TemporaryDirectory(prefix="hoinghi-bench-") as tmp:
        root = Path(tmp)
        contexts, questions = parallel()
        xq = root / "xquad"
        xq.mkdir()
        for cid, text in contexts.items():
            (xq / f"{cid}.txt").write_text(text, encoding="utf-8")
        asked = {lang: [(i.question, i.context_id) for i in items[: args.xquad_limit or None]]
                 for lang, items in questions.items()}
        def build(name: str, folder: Path, index_dir: Path) -> tuple[Retrieve, float]:
            chosen = torch_embedder if name == "langchain_torch" else embedder
            assert chosen is not None  # loaded above for every pipeline in ``names``
            if name == "hoinghi":
                return hoinghi_pipeline(folder, settings, chosen, index_dir)
            return langchain_pipeline(folder, chosen)

        runs: dict[str, dict[str, list[float]]] = {n: {"bundled": [], "xquad": []} for n in names}
        for r in range(args.repeat):
            # Each repeat starts with another pipeline, so none always runs on a cold or warm machine.
            for name in names[r % len(names):] + names[: r % len(names)]:
                retrieve, seconds = build(name, BUNDLED_CORPUS, root / f"{name}-dev-{r}")
                runs[name]["bundled"].append(round(seconds, 1))
                if r == 0:  # quality (and query time) once: the same index every repeat
                    out[name] = {"dev": dev_quality(retrieve)}
                retrieve, seconds = build(name, xq, root / f"{name}-xquad-{r}")
                runs[name]["xquad"].append(round(seconds, 1))
                if r == 0:
                    out[name].update({f"xquad_{lang}": xquad_quality(retrieve, qs)
                                      for lang, qs in asked.items()})
        for name in names:
            out[name] = {"bundled_ingest_seconds": statistics.median(runs[name]["bundled"]),
                         "ingest_seconds": statistics.median(runs[name]["xquad"]),
                         "ingest_runs": runs[name], **out[name]}
    if args.alone is None:
        out["ratio_hoinghi_over_langchain"] = ratios(out["hoinghi"], out["langchain"])
        out["ratio_hoinghi_over_langchain_torch"] = ratios(out["hoinghi"], out["langchain_torch"])
    print(emit_json(out, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
