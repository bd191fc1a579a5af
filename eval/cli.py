"""`hoinghi eval`: accuracy of retrieval, answers, citations and abstention on a QA set or XQuAD.

Registered with the `hoinghi` CLI through the ``hoinghi.commands`` entry point, so ``api`` never
imports ``eval``. Also runnable as ``python -m eval``.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from api.service import BUNDLED_CORPUS, Service
from eval import gate as gates
from eval.harness import EvalResult, evaluate
from eval.qa import DEV_QA, load_qa
from eval.report import emit_json, render
from eval.xquad import evaluate_xquad
from index.settings import Settings

log = logging.getLogger(__name__)
out = Console()
err = Console(stderr=True)


def _print(result: EvalResult) -> None:
    table = Table("group", "metric", "value", title="hoinghi eval")
    for group, values in result.metrics.items():
        for name, value in values.items():
            table.add_row(group, name, str(value))
    out.print(table)
    failures = result.failures()
    if failures:
        ft = Table("id", "question", "expected", "got", "rank", title=f"failures ({len(failures)})")
        for q in failures:
            ft.add_row(q.id, q.question, " | ".join(q.expected) or "(unanswerable)",
                       (q.short_answer or q.answer)[:120], str(q.rank or "—"))
        out.print(ft)


def command(
    qa: Annotated[Path | None, typer.Argument(
        help="QA set, JSON lines like eval/data/dev_qa.jsonl (default: the bundled dev set)")] = None,
    xquad: Annotated[bool, typer.Option("--xquad", help="Run the XQuAD vi/en benchmark instead.")] = False,
    limit: Annotated[int | None, typer.Option(help="XQuAD: first N questions per language.")] = None,
    corpus: Annotated[Path | None, typer.Option(
        help="Index these documents into a throwaway index first (default: the bundled corpus)")] = None,
    index_dir: Annotated[Path | None, typer.Option(
        "--index-dir", help="Evaluate an existing index instead of a throwaway one.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Embedding model name or path.")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Write metrics and every question here.")] = None,
    html_out: Annotated[Path | None, typer.Option(
        "--html", help="Write an offline HTML report here.")] = None,
    gate: Annotated[Path | None, typer.Option(help="Fail (exit 1) if a metric misses its bound in "
                                              "this JSON file, e.g. eval/data/dev_gate.json")] = None,
) -> None:
    """Measure retrieval (Recall@1/5/10, MRR@10, nDCG@10), answers (accuracy, EM/F1), citations
    (precision/recall), abstention (precision/recall) and latency, through the code behind /ask."""
    settings = Settings.from_env(index_dir=index_dir, model=model)
    if xquad:
        with Progress(console=err, disable=not err.is_terminal) as progress:
            task = progress.add_task("XQuAD", total=None)
            results = evaluate_xquad(settings, limit, on_item=lambda _: progress.advance(task))
        out.print_json(emit_json(results, json_out))
        return
    items = load_qa(qa or DEV_QA)
    with tempfile.TemporaryDirectory(prefix="hoinghi-eval-") as tmp:
        if index_dir is None:
            settings = replace(settings, index_dir=Path(tmp) / "index")
        service = Service(settings)
        if index_dir is None:
            report = service.ingest([corpus or BUNDLED_CORPUS])
            if not report.added:
                raise typer.BadParameter(f"nothing could be indexed from {corpus}: {report.skipped}")
        service.warm()
        with Progress(console=err, disable=not err.is_terminal) as progress:
            task = progress.add_task("questions", total=len(items))
            result = evaluate(service, items, on_question=lambda _: progress.advance(task))
    if json_out:
        emit_json(result.to_dict(), json_out)
    if html_out:
        html_out.write_text(render(result, f"hoinghi eval — {(qa or DEV_QA).name}"), encoding="utf-8")
    _print(result)
    if gate:
        failed = gates.check(result.metrics, gates.load_gate(gate))
        for line in failed:
            err.print(f"[red]gate:[/red] {line}")
        if failed:
            raise typer.Exit(1)
        err.print("[green]gate passed[/green]")
