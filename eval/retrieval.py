"""Retrieval accuracy on a QA set (evidence in top-k passages) and on XQuAD (gold context at top-k).

Run: ``python -m eval.retrieval --dev`` and ``python -m eval.retrieval --xquad``.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from api.service import Service
from index.embed import Embedder
from index.settings import Settings
from index.text import nfc
from index.types import Hit

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"


def _norm(text: str) -> str:
    return " ".join(nfc(text).lower().split())


def evidence_rank(hits: Sequence[Hit], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first hit whose passage contains an evidence string."""
    wanted = [_norm(e) for e in evidence]
    for rank, hit in enumerate(hits, start=1):
        text = _norm(hit.passage.text)
        if any(w in text for w in wanted):
            return rank
    return None


def dev_retrieval(service: Service, qa_path: Path, k: int = 10) -> dict[str, Any]:
    """Top-1/top-5/MRR of evidence passages for the answerable questions of a QA set."""
    rows = [json.loads(line) for line in qa_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    per_question = []
    for row in rows:
        if not row.get("answerable", True):
            continue
        hits = service.search(row["question"], k=k)
        rank = evidence_rank(hits, row["evidence"])
        per_question.append({"id": row["id"], "question": row["question"], "rank": rank})
    n = len(per_question)
    ranks = [q["rank"] for q in per_question]
    return {
        "questions": n,
        "top1": sum(1 for r in ranks if r == 1) / n,
        "top5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr10": sum(1 / r for r in ranks if r is not None) / n,
        "per_question": per_question,
    }


def _xquad_items(path: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Contexts keyed by an id made of article and paragraph index; (qid, context id, question)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    contexts: dict[str, str] = {}
    questions: list[tuple[str, str, str]] = []
    for a, article in enumerate(data):
        for p, para in enumerate(article["paragraphs"]):
            cid = f"xquad-{a:02d}-{p:02d}"
            contexts[cid] = para["context"]
            questions.extend((qa["id"], cid, qa["question"]) for qa in para["qas"])
    return contexts, questions


def xquad_ranks(service: Service, questions: list[tuple[str, str, str]]) -> dict[str, Any]:
    """R@1, R@5 and MRR of the gold context (a document named by its context id)."""
    name_of = {d.id: d.name for d in service.documents()}
    r1 = r5 = 0
    rr = 0.0
    started = time.perf_counter()
    for _qid, cid, question in questions:
        seen: list[str] = []
        for hit in service.search(question, k=20):
            name = name_of[hit.passage.document_id]
            if name not in seen:
                seen.append(name)
        if cid in seen:
            rank = seen.index(cid) + 1
            r1 += rank == 1
            r5 += rank <= 5
            rr += 1 / rank
    n = len(questions)
    return {"questions": n, "R@1": round(r1 / n, 4), "R@5": round(r5 / n, 4), "MRR": round(rr / n, 4),
            "ms_per_query": round(1000 * (time.perf_counter() - started) / n, 1)}


def xquad_index(service: Service, contexts: dict[str, str], folder: Path) -> float:
    """Ingest each context as one document named by its id; returns seconds taken."""
    folder.mkdir(parents=True, exist_ok=True)
    for cid, text in contexts.items():
        (folder / f"{cid}.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    report = service.ingest([folder])
    if report.skipped:
        raise RuntimeError(f"XQuAD contexts skipped: {report.skipped}")
    return time.perf_counter() - started


def xquad_retrieval(settings: Settings, vi_path: Path, en_path: Path,
                    limit: int | None = None, embedder: Embedder | None = None) -> dict[str, Any]:
    """Index the Vietnamese contexts (one document each) and ask the vi and en questions."""
    contexts, vi_questions = _xquad_items(vi_path)
    _, en_questions = _xquad_items(en_path)
    with tempfile.TemporaryDirectory(prefix="hoinghi-xquad-") as tmp:
        service = Service(replace(settings, index_dir=Path(tmp) / "index"), embedder)
        seconds = xquad_index(service, contexts, Path(tmp) / "docs")
        results: dict[str, Any] = {"contexts": len(contexts), "ingest_seconds": round(seconds, 1)}
        for lang, questions in (("vi", vi_questions), ("en", en_questions)):
            results[f"{lang}->vi"] = xquad_ranks(service, questions[:limit] if limit else questions)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval", description=__doc__)
    parser.add_argument("--dev", action="store_true", help="dev QA set over the bundled corpus")
    parser.add_argument("--xquad", action="store_true", help="XQuAD vi/en -> vi context retrieval")
    parser.add_argument("--qa", type=Path, default=DATA / "dev_qa.jsonl")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="index for --dev (default: a fresh one of the bundled corpus)")
    parser.add_argument("--limit", type=int, default=None, help="first N XQuAD questions only")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    out: dict[str, Any] = {}
    if args.dev or not args.xquad:
        with tempfile.TemporaryDirectory(prefix="hoinghi-dev-") as tmp:
            service = Service(replace(settings, index_dir=args.index_dir or Path(tmp)))
            service.ensure_index()
            out["dev"] = dev_retrieval(service, args.qa)
    if args.xquad:
        out["xquad"] = xquad_retrieval(settings, DATA / "xquad" / "xquad.vi.json",
                                       DATA / "xquad" / "xquad.en.json", args.limit)
    text = json.dumps(out, ensure_ascii=False, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
