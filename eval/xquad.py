"""XQuAD (Artetxe et al., 2020; CC BY-SA 4.0): a throwaway index of the 240 Vietnamese contexts
(each context one document), asked the 1,190 questions in Vietnamese and, with the parallel English
file (same ids), in English. Reports retrieval of the gold context (R@1, R@5, MRR@10) and whether
the gold (Vietnamese) answer occurs in the answer."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from api.service import Service
from eval.metrics import contains_answer, exact_match, f1, ir_metrics, percentile
from index.embed import Embedder
from index.settings import Settings

DATA = Path(__file__).resolve().parent / "data" / "xquad"


@dataclass(frozen=True)
class XQuADItem:
    id: str
    context_id: str  # the document name: xquad-<article>-<paragraph>
    question: str
    answer: str  # from the Vietnamese file


def load(path: Path) -> tuple[dict[str, str], list[XQuADItem]]:
    """Contexts keyed by an id made of article and paragraph index, and the questions."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    contexts: dict[str, str] = {}
    items: list[XQuADItem] = []
    for a, article in enumerate(data):
        for p, para in enumerate(article["paragraphs"]):
            cid = f"xquad-{a:02d}-{p:02d}"
            contexts[cid] = para["context"]
            items.extend(XQuADItem(qa["id"], cid, qa["question"], qa["answers"][0]["text"])
                         for qa in para["qas"])
    return contexts, items


def parallel(vi_path: Path = DATA / "xquad.vi.json", en_path: Path = DATA / "xquad.en.json",
             ) -> tuple[dict[str, str], dict[str, list[XQuADItem]]]:
    """The Vietnamese contexts; Vietnamese and English questions, both with Vietnamese answers."""
    contexts, vi = load(vi_path)
    answers = {item.id: item.answer for item in vi}
    _, en = load(en_path)
    en = [replace(item, answer=answers[item.id]) for item in en if item.id in answers]
    return contexts, {"vi": vi, "en": en}


def build_index(service: Service, contexts: dict[str, str], folder: Path) -> float:
    """Ingest each context as one document named by its id; returns seconds taken."""
    folder.mkdir(parents=True, exist_ok=True)
    for cid, text in contexts.items():
        (folder / f"{cid}.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    report = service.ingest([folder])
    if report.skipped:
        raise RuntimeError(f"XQuAD contexts skipped: {report.skipped}")
    return time.perf_counter() - started


def run_items(service: Service, items: list[XQuADItem], answers: bool = True,
              on_item: Callable[[XQuADItem], None] | None = None) -> dict[str, Any]:
    name_of = {d.id: d.name for d in service.documents()}
    qrels = {item.id: {item.context_id: 1} for item in items}
    run: dict[str, dict[str, float]] = {}
    search_ms, ask_ms, contained = [], [], 0
    shorts: list[tuple[float, float]] = []  # EM, F1 of each short answer given
    for item in items:
        started = time.perf_counter()
        hits = service.search(item.question, k=20)
        search_ms.append(1000 * (time.perf_counter() - started))
        scores: dict[str, float] = {}
        for hit in hits:
            name = name_of[hit.passage.document_id]
            scores.setdefault(name, hit.score)
        run[item.id] = scores
        if answers:
            started = time.perf_counter()
            answer = service.ask(item.question)
            ask_ms.append(1000 * (time.perf_counter() - started))
            contained += answer.found and contains_answer(answer.answer, [item.answer])
            if answer.found and answer.short_answer:
                shorts.append((exact_match(answer.short_answer, [item.answer]),
                               f1(answer.short_answer, [item.answer])))
        if on_item:
            on_item(item)
    metrics = ir_metrics(qrels, run)
    out: dict[str, Any] = {"questions": len(items), "R@1": metrics["hit_rate@1"],
                           "R@5": metrics["hit_rate@5"], "MRR@10": metrics["mrr@10"],
                           "search_ms_p50": round(percentile(search_ms, 50), 1)}
    if answers:
        out["answer_contains_gold"] = round(contained / len(items), 4) if items else None
        # The short answer against the gold span, where one is given (SQuAD EM / F1).
        out["short_answers"] = len(shorts)
        out["short_answer_em"] = round(sum(e for e, _ in shorts) / len(shorts), 4) if shorts else None
        out["short_answer_f1"] = round(sum(f for _, f in shorts) / len(shorts), 4) if shorts else None
        out["ask_ms_p50"] = round(percentile(ask_ms, 50), 1)
    return out


@dataclass(frozen=True)
class Indexed:
    """A service over a throwaway index of the XQuAD contexts, and the questions by language."""

    service: Service
    questions: dict[str, list[XQuADItem]]
    contexts: int
    seconds: float  # taken to index the contexts


@contextmanager
def indexed(settings: Settings, embedder: Embedder | None = None) -> Iterator[Indexed]:
    """The XQuAD contexts indexed into a temporary directory, removed on exit."""
    contexts, questions = parallel()
    with tempfile.TemporaryDirectory(prefix="hoinghi-xquad-") as tmp:
        service = Service(replace(settings, index_dir=Path(tmp) / "index"), embedder)
        seconds = build_index(service, contexts, Path(tmp) / "docs")
        yield Indexed(service, questions, len(contexts), seconds)


def evaluate_xquad(settings: Settings, limit: int | None = None, answers: bool = True,
                   embedder: Embedder | None = None,
                   on_item: Callable[[XQuADItem], None] | None = None) -> dict[str, Any]:
    with indexed(settings, embedder) as xquad:
        service = xquad.service
        results: dict[str, Any] = {"contexts": xquad.contexts,
                                   "ingest_seconds": round(xquad.seconds, 1)}
        for lang, items in xquad.questions.items():
            chosen = items[:limit] if limit else items
            results[f"{lang}->vi"] = run_items(service, chosen, answers, on_item)
    return results
