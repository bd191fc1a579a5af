"""The evaluation harness and its CI gate on the dev set, with the real model (slow)."""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import replace

import pytest

from api.service import Service
from eval import gate
from eval.harness import EvalResult, evaluate
from eval.qa import load_qa
from eval.report import render
from index.types import Hit
from tests.conftest import DEV_QA

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dev_result(corpus_service: Service) -> EvalResult:
    return evaluate(corpus_service, load_qa(DEV_QA))


def test_dev_set_passes_the_gate(dev_result: EvalResult) -> None:
    failed = gate.check(dev_result.metrics, gate.load_gate())
    assert not failed, (failed, [q for q in dev_result.questions if not q.correct])


def test_every_citation_is_verbatim_and_retrieved(corpus_service: Service) -> None:
    for item in load_qa(DEV_QA):
        answer = corpus_service.ask(item.question)
        passages = {h.passage.id for h in answer.hits}
        for c in answer.citations:
            assert c.document.text[c.start:c.end] == c.sentence
            assert c.hit.passage.id in passages
            assert c.sentence in answer.answer


def test_the_growth_target_is_cited_from_both_communiques(corpus_service: Service) -> None:
    for question in ("What was the 2024 growth target?",
                     "Mục tiêu tăng trưởng GRDP năm 2024 là bao nhiêu?"):
        answer = corpus_service.ask(question)
        assert answer.short_answer == "7,5 - 8%"
        assert len({c.document.id for c in answer.citations}) == 2


class RandomRetriever:
    """A deliberately broken retriever: passages in a random order, random scores."""

    def __init__(self, passages: tuple, seed: int = 0) -> None:  # type: ignore[type-arg]
        self.passages = passages
        self.rng = random.Random(seed)

    def search(self, query: str, k: int = 10, document_ids: Collection[str] | None = None) -> list[Hit]:
        chosen = self.rng.sample(list(self.passages), k)
        return [Hit(p, score=self.rng.random(),
                    sentence_scores=tuple(self.rng.random() for _ in p.sentences)) for p in chosen]


def test_a_random_retriever_fails_the_gate(corpus_service: Service) -> None:
    broken = Service(corpus_service.settings, corpus_service.embedder)
    loaded = corpus_service.loaded
    broken._loaded = replace(loaded, retriever=RandomRetriever(loaded.snapshot.passages))  # type: ignore[arg-type]
    result = evaluate(broken, load_qa(DEV_QA))
    failed = gate.check(result.metrics, gate.load_gate())
    assert any(line.startswith("retrieval.") for line in failed)
    assert any(line.startswith("answers.accuracy") for line in failed)


def test_html_report_is_offline_and_shows_failures(dev_result: EvalResult) -> None:
    page = render(dev_result, "dev")
    assert "<svg" in page and "Retrieval" in page
    import re

    # Nothing is fetched: no scripts or stylesheets, no src/href to the network (XML namespaces
    # in the inline SVG are identifiers, not downloads).
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)=["']https?:""", page)
    for q in dev_result.failures():
        assert q.id in page

