"""XQuAD "who" questions answered with the gold name, at several answer-type weights for names.

Run: ``python -m eval.person_weight [--weights 0.02 0.05 0.1] [--json out.json]``
Indexes the XQuAD contexts into a throwaway index, retrieves the top passages of every "who"
question once, then answers from them with each ``AnswerSettings.person_weight`` (no
corroborating search). Reports, per question language, how many answers contain the gold answer.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from api.answer import Answerer
from api.answer_types import AnswerType, question_type
from eval.metrics import contains_answer
from eval.report import emit_json
from eval.xquad import indexed
from index.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.person_weight", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=float, nargs="+", default=[0.02, 0.05, 0.1])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    out: dict[str, Any] = {}
    with indexed(settings) as xquad:
        service, questions = xquad.service, xquad.questions
        loaded = service.loaded
        who = {lang: [(item, service.search(item.question, k=settings.answer.top_k))
                      for item in items if question_type(item.question) is AnswerType.PERSON]
               for lang, items in questions.items()}
        for weight in args.weights:
            answerer = Answerer(loaded.snapshot.documents, loaded.retriever.lexical.idf,
                                replace(settings.answer, person_weight=weight))
            row: dict[str, Any] = {}
            for lang, asked in who.items():
                right = 0
                for item, hits in asked:
                    answer = answerer.answer(item.question, hits)
                    right += answer.found and contains_answer(answer.answer, [item.answer])
                row[lang] = {"questions": len(asked), "gold_in_answer": right}
            out[str(weight)] = row
    print(emit_json(out, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
