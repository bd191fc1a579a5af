"""Questions typed without diacritics: retrieval and answers compared with the accented originals.

Run: ``python -m eval.unaccented`` (the dev set over a fresh index of the bundled corpus).
Each answerable question is asked as written and with every diacritic stripped (đ → d, case
kept); half-accented versions strip every other word. Reports evidence in the top 5 for each
form and how often the answer (its short answer, else its first cited sentence) is the same.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from api.service import Service
from eval.harness import bundled_service, relevant_passages
from eval.qa import DEV_QA, QAItem, load_qa
from eval.report import emit_json
from index.settings import Settings
from index.text import strip_marks


def half_marks(text: str) -> str:
    """Every other word stripped of its diacritics, as a hurried typist might leave it."""
    return " ".join(strip_marks(w) if i % 2 else w for i, w in enumerate(text.split(" ")))


def _key(service: Service, question: str) -> tuple[bool, str | None, int | None]:
    answer = service.ask(question)
    first = answer.citations[0].start if answer.citations else None
    return answer.found, answer.short_answer, first


def compare(service: Service, items: Sequence[QAItem]) -> dict[str, Any]:
    snapshot = service.snapshot
    names = {d.id: d.name for d in snapshot.documents.values()}
    forms = {"accented": lambda q: q, "unaccented": strip_marks, "half": half_marks}
    top5 = dict.fromkeys(forms, 0)
    same = dict.fromkeys(forms, 0)
    rows = []
    answerable = [i for i in items if i.answerable]
    for item in answerable:
        relevant = relevant_passages(item, snapshot.passages, names)
        reference = _key(service, item.question)
        row: dict[str, Any] = {"id": item.id}
        for name, form in forms.items():
            question = form(item.question)
            hits = service.search(question, k=5)
            found = any(h.passage.id in relevant for h in hits)
            agrees = _key(service, question) == reference
            top5[name] += found
            same[name] += agrees
            row[name] = {"question": question, "top5": found, "same_answer": agrees}
        rows.append(row)
    n = len(answerable)
    return {"questions": n,
            "evidence_top5": {k: round(v / n, 4) for k, v in top5.items()},
            "same_answer_as_accented": {k: round(v / n, 4) for k, v in same.items() if k != "accented"},
            "per_question": rows}


def xquad(settings: Settings, limit: int | None = None) -> dict[str, Any]:
    """R@1/R@5 of XQuAD's Vietnamese questions as written, stripped, and stripped + restored."""
    from eval.xquad import build_index, parallel, run_items

    contexts, questions = parallel()
    items = questions["vi"][:limit] if limit else questions["vi"]
    bare = [replace(i, question=strip_marks(i.question)) for i in items]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hoinghi-unaccented-") as tmp:
        service = Service(replace(settings, index_dir=Path(tmp) / "index"))
        build_index(service, contexts, Path(tmp) / "docs")
        out["accented"] = run_items(service, items, answers=False)
        out["unaccented, restored"] = run_items(service, bare, answers=False)
        off = replace(settings.retrieval, restore_diacritics=False)
        plain = Service(replace(service.settings, retrieval=off), service.embedder)
        out["unaccented, not restored"] = run_items(plain, bare, answers=False)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.unaccented", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=DEV_QA)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--xquad", action="store_true",
                        help="XQuAD's Vietnamese questions instead: retrieval with and without restoring")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.xquad:
        print(emit_json(xquad(Settings.from_env(), args.limit)))  # noqa: T201
        return 0
    with bundled_service(Settings.from_env()) as service:
        result = compare(service, load_qa(args.qa))
    print(emit_json(result, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
