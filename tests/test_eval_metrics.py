"""Metric functions, QA-set loading and the gate check (pure, fast)."""

from pathlib import Path

import pytest

from eval import gate
from eval.metrics import contains_answer, exact_match, f1, ir_metrics, percentile
from eval.qa import load_qa
from index.errors import HoinghiError
from tests.conftest import DEV_QA, USER_QA


def test_containment_normalises_case_marks_decimals_dashes_and_spaces() -> None:
    text = "Mục tiêu tăng trưởng GRDP là 7.5–8 % trong năm 2024"
    assert contains_answer(text, ["7,5 - 8 %"])
    assert contains_answer("TĂNG 22%", ["tang 22%"])
    assert not contains_answer(text, ["6,46%"])
    assert not contains_answer(text, [""])


def test_squad_exact_match_and_f1() -> None:
    assert exact_match("7,5 - 8%", ["7.5-8%"]) == 1.0
    assert exact_match(None, ["22%"]) == 0.0
    assert f1("Nguyễn Văn Nên", ["Nguyen Van Nen"]) == 1.0
    assert f1("đồng chí Nguyễn Văn Nên", ["Nguyễn Văn Nên"]) == pytest.approx(0.75)
    assert f1("220", ["47"]) == 0.0


def test_ir_metrics_count_a_question_with_no_results_as_a_miss() -> None:
    metrics = ir_metrics({"a": {"p1": 1}, "b": {"p9": 1}}, {"a": {"p2": 0.9, "p1": 0.5}, "b": {}})
    assert metrics["hit_rate@1"] == 0.0 and metrics["hit_rate@5"] == 0.5
    assert metrics["mrr@10"] == 0.25


def test_percentile() -> None:
    assert percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert percentile([5.0], 95) == 5.0


def test_dev_set_loads_and_bad_lines_name_the_file_and_line(tmp_path: Path) -> None:
    items = load_qa(DEV_QA)
    assert len(items) == 16 and sum(not i.answerable for i in items) == 2
    bad = tmp_path / "qa.jsonl"
    bad.write_text('{"question": "a?"}\n{"answers": []}\n', encoding="utf-8")
    with pytest.raises(HoinghiError, match=r"qa.jsonl: line 2"):
        load_qa(bad)


def test_gate_checks_minimums_and_maximums() -> None:
    metrics = {"answers": {"accuracy": 0.5}, "abstention": {"answerable_abstained": 2}}
    failed = gate.check(metrics, {"answers.accuracy": 0.7, "citations.recall": 0.5,
                                  "max": {"abstention.answerable_abstained": 0}})
    assert failed == ["answers.accuracy = 0.5 is below 0.7", "citations.recall: not measured",
                      "abstention.answerable_abstained = 2 is above 0"]
    assert gate.check({"answers": {"accuracy": 0.8}}, {"answers.accuracy": 0.7}) == []


def test_token_sweep_orders_each_questions_passages_by_fused_plus_lambda_maxsim() -> None:
    from eval.token_sweep import _recall

    # (fused, MaxSim, gold): the gold passage is second by fused score, first by MaxSim.
    question = [(0.9, 0.70, False), (0.8, 0.80, True), (0.1, 0.75, False)]
    assert _recall([question], 0.0, 1).tolist() == [False]
    assert _recall([question], 0.0, 2).tolist() == [True]
    assert _recall([question], 2.0, 1).tolist() == [True]  # 0.8 + 1.6 > 0.9 + 1.4
    assert _recall([question], 2.0, 1, reranked=[False]).tolist() == [False]  # left in fused order


def test_english_questions_as_keywords_drop_function_words_and_punctuation() -> None:
    from eval.abstention import as_keywords
    from index.text import detect_language

    keywords = as_keywords("What was the growth target of the city in 2024?")
    assert keywords == "growth target city 2024"
    assert detect_language(keywords) == "en"


def test_xquad_scores_short_answers_where_one_is_given() -> None:
    from types import SimpleNamespace
    from typing import Any, cast

    from eval.xquad import XQuADItem, run_items

    doc = SimpleNamespace(id="d1", name="xquad-00-00")
    hit = SimpleNamespace(passage=SimpleNamespace(document_id="d1"), score=1.0)
    replies = {"q1": ("Có 220 đại biểu.", "220"), "q2": ("Năm 2024 tăng 7%.", "2024"),
               "q3": ("Không có số nào.", None)}

    class Service:
        def documents(self) -> list[Any]:
            return [doc]

        def search(self, question: str, k: int) -> list[Any]:
            return [hit]

        def ask(self, question: str) -> Any:
            text, short = replies[question]
            return SimpleNamespace(found=True, answer=text, short_answer=short)

    items = [XQuADItem(q, "xquad-00-00", q, gold) for q, gold in (("q1", "220"), ("q2", "7%"),
                                                                   ("q3", "bốn"))]
    out = run_items(cast(Any, Service()), items)
    assert out["answer_contains_gold"] == round(2 / 3, 4)
    assert out["short_answers"] == 2  # q3 gave none: not counted as wrong, but not as given
    assert out["short_answer_em"] == 0.5 and out["short_answer_f1"] == 0.5


def test_the_user_question_set_holds_its_evidence_and_answers_in_the_named_records(
        fake_service) -> None:  # type: ignore[no-untyped-def]
    """Every answerable question of ``eval/data/user_qa.jsonl`` names bundled records, one of
    which holds its evidence with its answer in the same paragraph; the unanswerable ones name
    none."""
    documents = {d.name: d for d in fake_service.loaded.snapshot.documents.values()}
    items = load_qa(USER_QA)
    assert len({i.id for i in items}) == len(items) and {i.lang for i in items} == {"vi", "en"}
    for item in items:
        if not item.answerable:
            assert not (item.answers or item.evidence or item.documents), item.id
            continue
        paragraphs = [p for name in item.documents for p in documents[name].text.split("\n")]
        assert any(contains_answer(p, list(item.evidence)) and contains_answer(p, list(item.answers))
                   for p in paragraphs), item.id
