"""Run a QA set through the service — `search` for retrieval, `ask` (the code behind POST /ask)
for answers — and measure retrieval, answers, citations, abstention and latency."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from api.answer import normalise
from api.service import BUNDLED_CORPUS, Service
from eval.metrics import contains_answer, exact_match, f1, ir_metrics, percentile, ratio
from eval.qa import QAItem
from index.settings import Settings
from index.types import Passage


@dataclass
class QuestionResult:
    id: str
    question: str
    lang: str | None
    answerable: bool
    expected: list[str]
    rank: int | None  # of the first relevant passage in the top 10 retrieved
    found: bool
    answer: str
    short_answer: str | None
    correct: bool
    exact: float
    f1: float
    cited: int
    cited_relevant: int
    cited_passage: str  # the first cited passage, for reading a failure
    ms: float


@dataclass
class EvalResult:
    metrics: dict[str, dict[str, Any]]
    questions: list[QuestionResult] = field(default_factory=list)

    def failures(self) -> list[QuestionResult]:
        return [q for q in self.questions if not q.correct]

    def to_dict(self) -> dict[str, Any]:
        return {"metrics": self.metrics, "questions": [asdict(q) for q in self.questions]}


@contextmanager
def bundled_service(settings: Settings) -> Iterator[Service]:
    """A service over a throwaway index of the bundled corpus, removed on exit."""
    with tempfile.TemporaryDirectory(prefix="hoinghi-eval-") as tmp:
        service = Service(replace(settings, index_dir=Path(tmp) / "index"))
        service.ingest([BUNDLED_CORPUS])
        yield service


def relevant_passages(item: QAItem, passages: Sequence[Passage],
                      document_names: dict[str, str]) -> set[str]:
    """Passages holding an evidence string; failing that, every passage of a gold document."""
    if item.evidence:
        wanted = [normalise(e) for e in item.evidence]
        return {p.id for p in passages if any(w in normalise(p.text) for w in wanted)}
    gold = set(item.documents)
    return {p.id for p in passages if document_names.get(p.document_id) in gold}


def evaluate(service: Service, items: Sequence[QAItem],
             on_question: Callable[[QAItem], None] | None = None) -> EvalResult:
    snapshot = service.snapshot
    names = {d.id: d.name for d in snapshot.documents.values()}
    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    results = []
    for item in items:
        relevant = relevant_passages(item, snapshot.passages, names) if item.answerable else set()
        hits = service.search(item.question, k=10)
        run[item.id] = {h.passage.id: h.score for h in hits}
        qrels[item.id] = {pid: 1 for pid in relevant}
        rank = next((i for i, h in enumerate(hits, 1) if h.passage.id in relevant), None)
        started = time.perf_counter()
        answer = service.ask(item.question)
        ms = 1000 * (time.perf_counter() - started)
        correct = (answer.found and contains_answer(answer.answer, item.answers)
                   if item.answerable else not answer.found)
        cited_relevant = sum(c.hit.passage.id in relevant for c in answer.citations)
        results.append(QuestionResult(
            id=item.id, question=item.question, lang=item.lang, answerable=item.answerable,
            expected=list(item.answers), rank=rank, found=answer.found, answer=answer.answer,
            short_answer=answer.short_answer, correct=correct,
            exact=exact_match(answer.short_answer, item.answers),
            f1=round(f1(answer.short_answer, item.answers), 4),
            cited=len(answer.citations), cited_relevant=cited_relevant,
            cited_passage=answer.citations[0].hit.passage.text if answer.citations else "",
            ms=round(ms, 1),
        ))
        if on_question:
            on_question(item)
    return EvalResult(summarise(results, qrels, run), results)


def summarise(results: Sequence[QuestionResult], qrels: dict[str, dict[str, int]],
              run: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    answerable = [q for q in results if q.answerable]
    unanswerable = [q for q in results if not q.answerable]
    abstained = [q for q in results if not q.found]
    with_short = [q for q in answerable if q.expected]
    ms = [q.ms for q in results]
    return {
        "retrieval": {"questions": len(answerable), **ir_metrics(qrels, run)},
        "answers": {
            "questions": len(results),
            "accuracy": ratio(sum(q.correct for q in results), len(results)),
            "accuracy_answerable": ratio(sum(q.correct for q in answerable), len(answerable)),
            "short_answer_em": ratio(round(sum(q.exact for q in with_short)), len(with_short)),
            "short_answer_f1": (round(sum(q.f1 for q in with_short) / len(with_short), 4)
                                if with_short else None),
        },
        "citations": {
            "precision": ratio(sum(q.cited_relevant for q in answerable), sum(q.cited for q in answerable)),
            "recall": ratio(sum(q.cited_relevant > 0 for q in answerable), len(answerable)),
        },
        "abstention": {
            "unanswerable": len(unanswerable),
            "precision": ratio(sum(not q.answerable for q in abstained), len(abstained)),
            "recall": ratio(sum(not q.found for q in unanswerable), len(unanswerable)),
            "answerable_abstained": sum(not q.found for q in answerable),
        },
        "latency_ms": {"p50": round(percentile(ms, 50), 1), "p95": round(percentile(ms, 95), 1)},
    }
