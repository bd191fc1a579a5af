"""Quality gates: minimum (or, for latency, maximum) values of metrics, kept in a JSON file.

``{"answers.accuracy": 0.74, "citations.recall": 0.85, ...}`` — each key is ``group.metric`` of the
harness's metrics; a value below its minimum fails the gate. Keys under ``"max"`` are maxima.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEV_GATE = Path(__file__).resolve().parent / "data" / "dev_gate.json"


def load_gate(path: Path = DEV_GATE) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def check(metrics: Mapping[str, Mapping[str, Any]], gate: Mapping[str, Any]) -> list[str]:
    """One line per metric that misses its bound; empty when the gate passes."""
    failures = []
    bounds = [(k, v, "min") for k, v in gate.items() if k != "max"]
    bounds += [(k, v, "max") for k, v in (gate.get("max") or {}).items()]
    for key, bound, kind in bounds:
        group, _, name = key.partition(".")
        value = metrics.get(group, {}).get(name)
        if value is None:
            failures.append(f"{key}: not measured")
        elif (kind == "min" and value < bound) or (kind == "max" and value > bound):
            failures.append(f"{key} = {value} is {'below' if kind == 'min' else 'above'} {bound}")
    return failures
