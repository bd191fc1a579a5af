"""Metrics: IR metrics through ranx, SQuAD-style EM/F1, containment, percentiles."""

from __future__ import annotations

import statistics
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from api.answer import normalise

IR_METRICS = ("hit_rate@1", "hit_rate@5", "hit_rate@10", "mrr@10", "ndcg@10")


def ir_metrics(qrels: Mapping[str, Mapping[str, int]],
               run: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Recall@k as "a relevant passage in the top k" (ranx's hit_rate), MRR@10, nDCG@10."""
    from ranx import Qrels, Run, evaluate

    judged = {q: dict(rel) for q, rel in qrels.items() if rel}
    if not judged:
        return {m: 0.0 for m in IR_METRICS}
    ranked = {q: dict(run.get(q) or {}) for q in judged}
    for scores in ranked.values():  # ranx drops empty runs; keep the question as a miss
        if not scores:
            scores["__none__"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's type-safety chatter
        values = evaluate(Qrels(judged), Run(ranked), list(IR_METRICS), make_comparable=True)
    return {m: round(float(values[m]), 4) for m in IR_METRICS}


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    """A gold answer occurs in ``text`` after normalising case, diacritics, decimals, dashes, spaces."""
    haystack = normalise(text)
    return any(normalise(a) in haystack for a in answers if a.strip())


def _squad_tokens(text: str) -> list[str]:
    return [t for t in normalise(text).replace("-", " ").split() if t]


def exact_match(prediction: str | None, answers: Sequence[str]) -> float:
    if prediction is None or not answers:
        return 0.0
    return float(any(_squad_tokens(prediction) == _squad_tokens(a) for a in answers))


def f1(prediction: str | None, answers: Sequence[str]) -> float:
    """SQuAD token F1 against the best-matching gold answer."""
    if prediction is None or not answers:
        return 0.0
    pred = _squad_tokens(prediction)
    best = 0.0
    for answer in answers:
        gold = _squad_tokens(answer)
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            p, r = common / len(pred), common / len(gold)
            best = max(best, 2 * p * r / (p + r))
    return best


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1])


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None
