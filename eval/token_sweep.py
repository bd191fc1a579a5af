"""The token re-ranking weight swept on XQuAD and the dev set, with a cross-validated XQuAD figure.

Run: ``python -m eval.token_sweep [--lambdas 0 2 5 10 20 30 50 100] [--depth 20] [--json out.json]``

Each question's fused top ``--depth`` (20, the service's ``token_depth``) is retrieved once with
its token scores (MaxSim of question and passage token states); then, for every λ, they are
ordered by ``fused + λ × MaxSim`` (the service's ``(1 - w) × fused + w × MaxSim`` with
w = λ / (1 + λ)) and R@1 / R@5 are counted: a
passage of the question's context (XQuAD) or holding its evidence (dev set). "cross_validated":
for each question language, λ chosen on the even-numbered XQuAD articles and tested on the odd
ones, and the other way round (README "Token re-ranking").
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from api.service import Service
from eval.harness import bundled_service, relevant_passages
from eval.qa import DEV_QA, load_qa
from eval.report import emit_json
from eval.xquad import indexed
from index.settings import Settings

# (fused, token score, gold) of each of a question's fused top passages
Ranked = list[tuple[float, float, bool]]


def _ranked(service: Service, question: str, gold: set[str]) -> Ranked:
    """The fused top passages with token scores: re-ranked by tokens alone (w 1), so every hit
    has both."""
    hits = service.search(question, k=service.settings.retrieval.token_depth)
    return [(h.fused, h.token_score if h.token_score is not None else 0.0, h.passage.id in gold)
            for h in hits]


def _recall(questions: Sequence[Ranked], lam: float, k: int,
            reranked: Sequence[bool] | None = None) -> np.ndarray:
    """Gold in the top ``k`` with each question's 20 ordered by fused + λ × MaxSim (by fused
    alone for those ``reranked`` leaves out)."""
    return np.array([any(g for _, _, g in sorted(q, key=lambda t: -(t[0] + lam * t[1] * on))[:k])
                     for q, on in zip(questions, reranked or [True] * len(questions), strict=True)],
                    dtype=bool)


def token_sweep(settings: Settings, lambdas: Sequence[float], depth: int = 20) -> dict[str, Any]:
    every = replace(settings, retrieval=replace(settings.retrieval, token_weight_en=1.0,
                                                token_weight_vi=1.0, token_depth=depth))
    sets: dict[str, list[Ranked]] = {}
    articles: dict[str, np.ndarray] = {}
    with indexed(every) as xquad:
        service = xquad.service
        names = {d.id: d.name for d in service.documents()}
        for lang, items in xquad.questions.items():
            passages = service.snapshot.passages
            sets[f"xquad_{lang}"] = [
                _ranked(service, i.question, {p.id for p in passages if names[p.document_id] == i.context_id})
                for i in items]
            articles[lang] = np.array([i.context_id.rsplit("-", 1)[0] for i in items])
    with bundled_service(every) as service:
        names = {d.id: d.name for d in service.snapshot.documents.values()}
        dev = [i for i in load_qa(DEV_QA) if i.answerable]
        sets["dev"] = [_ranked(service, i.question, relevant_passages(i, service.snapshot.passages, names))
                       for i in dev]
    # The dev set as the service runs it: its English questions re-ranked, its Vietnamese not.
    english = {"dev": [i.lang == "en" for i in dev]}
    out: dict[str, Any] = {"depth": depth, "lambdas": {}}
    for lam in lambdas:
        out["lambdas"][str(lam)] = {
            name: {f"R@{k}": round(float(_recall(qs, lam, k, english.get(name)).mean()), 3) for k in (1, 5)}
            for name, qs in sets.items()}
    out["cross_validated"] = {}
    for lang, article in articles.items():
        questions = sets[f"xquad_{lang}"]
        even = np.isin(article, sorted(set(article))[::2])
        at1 = {lam: _recall(questions, lam, 1) for lam in lambdas}
        at5 = {lam: _recall(questions, lam, 5) for lam in lambdas}
        right1 = right5 = 0
        chosen = []
        for train, test in ((even, ~even), (~even, even)):
            best = max(lambdas, key=lambda lam: (at1[lam][train].mean(), -lam))
            chosen.append(best)
            right1 += int(at1[best][test].sum())
            right5 += int(at5[best][test].sum())
        out["cross_validated"][lang] = {"chosen": chosen, "R@1": round(right1 / len(questions), 3),
                                        "R@5": round(right5 / len(questions), 3)}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.token_sweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lambdas", type=float, nargs="+", default=[0, 2, 5, 10, 20, 30, 50, 100])
    parser.add_argument("--depth", type=int, default=20, help="fused passages re-ranked per question")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(emit_json(token_sweep(Settings.from_env(), args.lambdas, args.depth), args.json))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
