"""QA sets in the schema of the dev set: one JSON object per line.

``{"id", "question", "answerable", "answers": [str], "evidence": [str], "documents": [str], "lang"}``
— ``evidence`` are strings a supporting passage contains; ``documents`` name the documents
(file stems) that hold the answer, used when a set gives no evidence strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.errors import HoinghiError

DEV_QA = Path(__file__).resolve().parent / "data" / "dev_qa.jsonl"  # the bundled dev set


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answerable: bool = True
    answers: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    lang: str | None = None


def load_qa(path: Path) -> list[QAItem]:
    """The items of a QA file; a malformed line is an error naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HoinghiError(f"cannot read the QA set: {exc}", path=str(path),
                           remedy="give a UTF-8 JSON-lines file") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(QAItem(
                id=str(row.get("id", number)), question=str(row["question"]),
                answerable=bool(row.get("answerable", True)),
                answers=tuple(row.get("answers") or ()), evidence=tuple(row.get("evidence") or ()),
                documents=tuple(row.get("documents") or ()), lang=row.get("lang"),
            ))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise HoinghiError(f"line {number} is not a QA item ({exc!r})", path=str(path),
                               remedy='each line: {"question": ..., "answers": [...], '
                                      '"evidence": [...], "answerable": true}') from None
    if not items:
        raise HoinghiError("the QA set is empty", path=str(path))
    return items
