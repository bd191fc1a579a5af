"""A self-contained HTML report: metric tables, charts as inline SVG (matplotlib), failures.

No scripts, fonts or styles from the network: the file opens offline.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eval.harness import EvalResult

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%} td,th{border:1px solid #ccc;padding:.3rem .5rem;
vertical-align:top;text-align:left} th{background:#f3f3f3}
.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem} .charts svg{max-width:100%;height:auto}
.bad{color:#a00} small{color:#666}
"""


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def charts(metrics: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The recall@k curve and one bar per headline metric, as SVG strings."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    retrieval = metrics["retrieval"]
    ks = [1, 5, 10]
    curve = Figure(figsize=(4.2, 3))
    ax = curve.subplots()
    ax.plot(ks, [retrieval[f"hit_rate@{k}"] for k in ks], marker="o")
    ax.set(xlabel="k (passages)", ylabel="recall@k", ylim=(0, 1.05), xticks=ks, title="Retrieval")
    ax.grid(alpha=0.3)

    bars = {"answer acc.": metrics["answers"]["accuracy"],
            "short EM": metrics["answers"]["short_answer_em"],
            "short F1": metrics["answers"]["short_answer_f1"],
            "citation P": metrics["citations"]["precision"],
            "citation R": metrics["citations"]["recall"],
            "abstain P": metrics["abstention"]["precision"],
            "abstain R": metrics["abstention"]["recall"],
            "MRR@10": retrieval["mrr@10"], "nDCG@10": retrieval["ndcg@10"]}
    shown = {k: v for k, v in bars.items() if v is not None}
    figure = Figure(figsize=(6.5, 3))
    ax = figure.subplots()
    ax.bar(list(shown), list(shown.values()), color="#3b6ea5")
    ax.set(ylim=(0, 1.05), title="Metrics")
    ax.tick_params(axis="x", labelrotation=35)
    for i, v in enumerate(shown.values()):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    return [_svg(curve), _svg(figure)]


def _table(rows: list[list[str]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render(result: EvalResult, title: str) -> str:
    metric_rows = [[html.escape(group), html.escape(name), f'<span class="num">{value}</span>']
                   for group, values in result.metrics.items() for name, value in values.items()]
    failure_rows = [[html.escape(q.id), html.escape(q.question),
                     html.escape(" | ".join(q.expected) or "(not answerable)"),
                     f"{html.escape(q.short_answer or '')}<br><small>{html.escape(q.answer[:400])}</small>",
                     str(q.rank or "—"), f"<small>{html.escape(q.cited_passage[:400])}</small>"]
                    for q in result.failures()]
    parts = [
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{_STYLE}</style><h1>{html.escape(title)}</h1>",
        "<div class='charts'>" + "".join(charts(result.metrics)) + "</div>",
        "<h2>Metrics</h2>" + _table(metric_rows, ["group", "metric", "value"]),
        f"<h2 class='bad'>Failures ({len(failure_rows)} of {len(result.questions)})</h2>",
        _table(failure_rows, ["id", "question", "expected", "got", "evidence rank", "cited passage"])
        if failure_rows else "<p>None.</p>",
        "</html>",
    ]
    return "\n".join(parts)


def emit_json(data: Any, path: Path | None = None) -> str:
    """Results as indented JSON: written to ``path`` (folders made) when given, and returned."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return text
