"""One answer setting swept on XQuAD: each question's top passages are retrieved once, then it is
answered with every value of one ``AnswerSettings`` field (no corroborating search). Reports, per
question language, how many answers hold the gold answer (and how many hold it in their first
cited sentence), how many questions were answered and how many sentences were cited.

Run: ``python -m eval.sweep FIELD VALUE [VALUE ...] [--types date quantity] [--order-only]
[--json out.json]``, e.g. ``python -m eval.sweep pair_share 0 0.5 1 1.5`` or
``python -m eval.sweep person_weight 0.02 0.05 0.1 --types person``.
``--order-only``: the value orders the sentences, while the support compared with the abstention
threshold stays what the configured settings give (as ``person_weight`` and ``pair_share`` work).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Collection, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from api.answer import Answerer, Candidate
from api.answer_types import AnswerType, question_type
from eval.metrics import contains_answer
from eval.report import emit_json
from eval.xquad import indexed
from index.settings import AnswerSettings, Settings
from index.types import Hit


class OrderOnly(Answerer):
    """Sentences ordered with its own settings; each keeps the support ``base`` gives it."""

    def __init__(self, base: Answerer, settings: AnswerSettings) -> None:
        super().__init__(base.documents, base.idf, settings)
        self.base = base

    def candidates(self, question: str, hits: Sequence[Hit]) -> list[Candidate]:
        support = {(c.hit.passage.id, c.start): c.support for c in self.base.candidates(question, hits)}
        return [replace(c, support=support[(c.hit.passage.id, c.start)])
                for c in super().candidates(question, hits)]


def sweep(settings: Settings, field: str, values: Sequence[float],
          types: Collection[AnswerType | None] | None = None, order_only: bool = False) -> dict[str, Any]:
    if field not in {f.name for f in fields(AnswerSettings)}:
        raise ValueError(f"AnswerSettings has no field {field!r}")
    out: dict[str, Any] = {"field": field, "order_only": order_only}
    with indexed(settings) as xquad:
        service, loaded = xquad.service, xquad.service.loaded
        asked = {lang: [(item, service.search(item.question, k=settings.answer.top_k))
                        for item in items if types is None or question_type(item.question) in types]
                 for lang, items in xquad.questions.items()}
        base = Answerer(loaded.snapshot.documents, loaded.retriever.lexical.idf, settings.answer)
        kind = type(getattr(settings.answer, field))  # top_k and the like are whole numbers
        for value in values:
            changes: dict[str, Any] = {field: kind(value)}
            varied = replace(settings.answer, **changes)
            answerer = OrderOnly(base, varied) if order_only else Answerer(base.documents, base.idf, varied)
            row: dict[str, Any] = {}
            for lang, pairs in asked.items():
                right = first = answered = sentences = 0
                for item, hits in pairs:
                    answer = answerer.answer(item.question, hits)
                    answered += answer.found
                    right += answer.found and contains_answer(answer.answer, [item.answer])
                    first += answer.found and contains_answer(answer.citations[0].sentence, [item.answer])
                    sentences += len(answer.citations)
                row[lang] = {"questions": len(pairs), "gold_in_answer": right,
                             "gold_in_first_sentence": first, "answered": answered,
                             "sentences_cited": sentences}
            out[str(value)] = row
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.sweep", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("field", help="an AnswerSettings field, e.g. pair_share")
    parser.add_argument("values", type=float, nargs="+")
    parser.add_argument("--types", nargs="+", choices=[t.value for t in AnswerType] + ["none"],
                        help="only questions asking for these answer types")
    parser.add_argument("--order-only", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    types = None if args.types is None else {None if t == "none" else AnswerType(t) for t in args.types}
    out = sweep(Settings.from_env(), args.field, args.values, types, args.order_only)
    print(emit_json(out, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
