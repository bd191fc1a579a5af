"""Answer, citation and abstention accuracy on a QA set, through the same `Service.ask` as `/ask`.

Run: ``python -m eval.answers`` (the dev set over the bundled corpus).

- answer accuracy: an answerable question is right when a gold answer occurs in ``answer`` after
  normalising case, diacritics, decimal comma/point, dashes and spaces; an unanswerable one is
  right when it abstains;
- citation accuracy: an evidence string occurs in a cited passage (answerable questions);
- abstention: unanswerable questions that abstain, answerable ones that do not.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from api.answer import Answer, normalise
from api.service import Service
from index.settings import Settings

DATA = Path(__file__).resolve().parent / "data"


def load_qa(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_correct(row: dict[str, Any], answer: Answer) -> bool:
    if not row.get("answerable", True):
        return not answer.found
    text = normalise(answer.answer)
    return answer.found and any(normalise(g) in text for g in row["answers"])


def citation_correct(row: dict[str, Any], answer: Answer) -> bool:
    wanted = [normalise(e) for e in row.get("evidence", [])]
    return any(w in normalise(c.hit.passage.text) for c in answer.citations for w in wanted)


def evaluate_answers(service: Service, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    per_question = []
    for row in rows:
        started = time.perf_counter()
        answer = service.ask(row["question"])
        ms = 1000 * (time.perf_counter() - started)
        per_question.append({
            "id": row.get("id"), "question": row["question"], "answerable": row.get("answerable", True),
            "expected": row.get("answers", []), "found": answer.found, "answer": answer.answer,
            "short_answer": answer.short_answer, "support": round(answer.support, 4),
            "correct": answer_correct(row, answer),
            "cited_evidence": citation_correct(row, answer) if row.get("answerable", True) else None,
            "citations": len(answer.citations), "ms": round(ms, 1),
        })
    answerable = [q for q in per_question if q["answerable"]]
    unanswerable = [q for q in per_question if not q["answerable"]]
    return {
        "questions": len(per_question),
        "answer_accuracy": sum(q["correct"] for q in per_question) / len(per_question),
        "citation_accuracy": (sum(bool(q["cited_evidence"]) for q in answerable) / len(answerable)
                              if answerable else None),
        "abstained_unanswerable": (sum(not q["found"] for q in unanswerable) / len(unanswerable)
                                   if unanswerable else None),
        "abstained_answerable": sum(not q["found"] for q in answerable),
        "latency_ms_p50": statistics.median(q["ms"] for q in per_question),
        "per_question": per_question,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.answers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=DATA / "dev_qa.jsonl")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="an existing index (default: a fresh one of the bundled corpus)")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="hoinghi-answers-") as tmp:
        service = Service(replace(settings, index_dir=args.index_dir or Path(tmp)))
        service.ensure_index()
        service.warm()
        result = evaluate_answers(service, load_qa(args.qa))
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
