"""A held-out check of the abstention thresholds on XQuAD, which has no unanswerable questions
of its own: each sampled question is asked twice, once over every context (answerable) and once
with its whole article's contexts excluded (unanswerable: the records do not hold the answer).

Run: ``python -m eval.abstention [--sample 200] [--keywords] [--json out.json]``
Reports, per question language, the share of answerable questions answered and the share of
unanswerable ones that abstain, at the configured thresholds and at nearby ones. ``--keywords``
asks the English questions only, typed as keywords ("growth target 2024": function words and
punctuation dropped).
"""

from __future__ import annotations

import argparse
import logging
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from api.service import Service
from eval.report import emit_json
from eval.xquad import XQuADItem, indexed
from index.settings import Settings
from index.text import ENGLISH_STOPWORDS


def as_keywords(question: str) -> str:
    """An English question typed as keywords: its function words and punctuation dropped."""
    return " ".join(w for w in re.findall(r"[\w']+", question) if w.lower() not in ENGLISH_STOPWORDS)


def supports(service: Service, questions: list[XQuADItem], sample: int,
             seed: int = 0, keywords: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Best-sentence scores with the gold article present and with it excluded."""
    article_of = {d.id: d.name.rsplit("-", 1)[0] for d in service.documents()}
    chosen = random.Random(seed).sample(questions, min(sample, len(questions)))
    present, absent = [], []
    for item in chosen:
        article = item.context_id.rsplit("-", 1)[0]
        others = {doc for doc, a in article_of.items() if a != article}
        question = as_keywords(item.question) if keywords else item.question
        present.append(service.ask(question).support)
        absent.append(service.ask(question, document_ids=others).support)
    return np.array(present), np.array(absent)


def rates(present: np.ndarray, absent: np.ndarray, threshold: float) -> dict[str, float]:
    return {"threshold": round(threshold, 3),
            "answerable_answered": round(float((present >= threshold).mean()), 3),
            "unanswerable_abstained": round(float((absent < threshold).mean()), 3)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.abstention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=200, help="questions per language")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keywords", action="store_true",
                        help="ask the English questions as keywords (function words dropped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    out: dict[str, Any] = {}
    with indexed(settings) as xquad:
        service = xquad.service
        for lang, items in xquad.questions.items():
            if args.keywords and lang != "en":
                continue
            present, absent = supports(service, items, args.sample, keywords=args.keywords)
            configured = service.loaded.answerer.threshold(lang)
            out[lang] = {"configured": rates(present, absent, configured),
                         "nearby": [rates(present, absent, configured + d)
                                    for d in (-0.04, -0.02, 0.02, 0.04)]}
    print(emit_json(out, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
