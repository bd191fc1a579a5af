"""XQuAD "who" questions answered with the gold name, at several answer-type weights for names.

Run: ``python -m eval.person_weight [--weights 0.02 0.05 0.1] [--json out.json]``, the same as
``python -m eval.sweep person_weight 0.02 0.05 0.1 --types person``: the top passages of every
"who" question are retrieved once, then answered with each ``AnswerSettings.person_weight`` (no
corroborating search). Reports, per question language, how many answers contain the gold answer.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from api.answer_types import AnswerType
from eval.report import emit_json
from eval.sweep import sweep
from index.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.person_weight", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=float, nargs="+", default=[0.02, 0.05, 0.1])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    out = sweep(Settings.from_env(), "person_weight", args.weights, {AnswerType.PERSON})
    print(emit_json(out, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
