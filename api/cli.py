"""The ``hoinghi`` command line: ingest, search, list and remove documents.

Settings and the service are built here, once per command; errors meant for users become one
clean message and an exit code, in one place (``main``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.schemas import ask_response
from api.service import Service
from index.errors import HoinghiError, IndexStoreError, IngestError, ModelError, NoIndexError
from index.settings import Settings
from index.types import Document, Hit
from ingest.pipeline import IngestReport
from ingest.read import find_files

app = typer.Typer(
    help="Semantic search over Vietnamese conference records (communiqués, press releases).\n\n"
    "The first search indexes the bundled communiqués; `hoinghi ingest DIR` adds your own.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

IndexDir = Annotated[
    Path | None,
    typer.Option("--index-dir", help="Index directory (env: HOINGHI_INDEX_DIR; default: per-user data dir)"),
]
Model = Annotated[
    str | None,
    typer.Option("--model", help="Embedding model: a sentence-transformers name or path "
                 "(env: HOINGHI_MODEL; default: the bundled multilingual-e5-small)"),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]

LOOPBACK = ("127.0.0.1", "localhost", "::1")

EXIT_CODES: dict[type[HoinghiError], int] = {
    IngestError: 2, NoIndexError: 3, ModelError: 4, IndexStoreError: 5,
}


def _service(index_dir: Path | None, model: str | None) -> Service:
    return Service(Settings.from_env(index_dir=index_dir, model=model))


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[file]}"), console=err,
                    disable=not err.is_terminal)


def _run_ingest(service: Service, paths: list[Path] | None) -> IngestReport | None:
    """Ingest ``paths`` (or the bundled corpus when the index is new and no paths are given)."""
    total = 2 * len(find_files(paths)) if paths else None  # each file is read, then embedded
    with _progress() as progress:
        task = progress.add_task("read, embed", total=total, file="")

        def on_file(path: Path, stage: str) -> None:
            progress.update(task, advance=1, file=f"{stage} {path.name}")

        if paths is None:
            if service.store.exists():
                return None
            err.print("[dim]no index yet: indexing the bundled communiqués (one time)…[/dim]")
            return service.ensure_index(on_file)
        return service.ingest(paths, on_file)


def _print_report(report: IngestReport) -> None:
    for source, doc_id, n in report.added:
        out.print(f"[green]added[/green]     {doc_id}  {n:4d} passages  {source}")
    for source in report.unchanged:
        same = f" (same content as {report.same_as[source]}, indexed)" if source in report.same_as else ""
        out.print(f"[dim]unchanged[/dim] {source}{same}")
    for doc_id in report.replaced:
        out.print(f"[yellow]replaced[/yellow]  {doc_id} (older version of a changed file)")
    for source, reason in report.skipped:
        out.print(f"[red]skipped[/red]   {source}: {reason}")
    for source, warning in report.warnings:
        out.print(f"[yellow]warning[/yellow]   {source}: {warning}")
    if report.passed_over:
        kinds = Counter(Path(p).suffix.lower() or "(no extension)" for p in report.passed_over)
        listed = ", ".join(f"{kind} ({n})" for kind, n in sorted(kinds.items()))
        hint = "; convert .doc to .docx (soffice --headless --convert-to docx)" if ".doc" in kinds else ""
        n = len(report.passed_over)
        out.print(f"[dim]passed over[/dim] {n} file{'s' * (n != 1)} of types hoinghi does not "
                  f"read: {listed}{hint} (--json lists them)")
    out.print(f"{len(report.added)} added, {len(report.unchanged)} unchanged, "
              f"{len(report.skipped)} skipped")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (searched recursively).")],
    index_dir: IndexDir = None,
    model: Model = None,
    pdf_password: Annotated[str | None, typer.Option(
        help="Password for encrypted PDFs (env: HOINGHI_PDF_PASSWORD)")] = None,
    correct_ocr: Annotated[str | None, typer.Option(
        help="Search OCR text with misread diacritics corrected: auto (scans and text showing "
             "OCR misreadings), all (every file given here is OCR output), off "
             "(env: HOINGHI_CORRECT_OCR; default: auto)")] = None,
    as_json: AsJson = False,
) -> None:
    """Add .txt, .md, .docx, .pdf (scanned pages are OCR'd) and .png/.jpg/.tiff scans to the
    index; unchanged files are skipped, bad ones listed with the reason."""
    settings = Settings.from_env(index_dir=index_dir, model=model)
    if pdf_password:
        settings = replace(settings, ingest=replace(settings.ingest, pdf_passwords=(pdf_password,)))
    if correct_ocr:
        settings = replace(settings, ingest=replace(settings.ingest, correct_ocr=correct_ocr))
    service = Service(settings)
    report = _run_ingest(service, paths)
    assert report is not None
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    if report.skipped and not report.added and not report.unchanged:
        raise typer.Exit(2)


def _hit_dict(documents: dict[str, Document], hit: Hit) -> dict[str, Any]:
    doc = documents[hit.passage.document_id]
    p = hit.passage
    return {"document_id": p.document_id, "title": doc.meta.title, "source": doc.source,
            "page": p.page, "section": " > ".join(p.section), "text": p.text, "start": p.start,
            "end": p.end, "score": round(hit.score, 4)}


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A question or keywords, Vietnamese or English.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="How many passages.")] = 5,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """Find the passages that best match QUERY (hybrid dense + BM25)."""
    if not query.strip():
        raise HoinghiError("the query is empty", remedy='give a question, e.g. "mục tiêu tăng trưởng 2024"')
    service = _service(index_dir, model)
    _run_ingest(service, None)
    found, documents = service.search_with_documents(query, k=k)
    hits = [_hit_dict(documents, h) for h in found]
    if as_json:
        out.print_json(json.dumps({"query": query, "hits": hits}, ensure_ascii=False))
        return
    for rank, hit in enumerate(hits, start=1):
        where = f"{hit['title'][:60]} · p.{hit['page']}"
        if hit["section"]:
            where += f" · {hit['section'][:60]}"
        out.print(f"[bold]{rank}.[/bold] [cyan]{hit['score']:.3f}[/cyan] {where}")
        out.print(f"   {hit['text'][:400]}{'…' if len(hit['text']) > 400 else ''}\n")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question, Vietnamese or English.")],
    k: Annotated[int, typer.Option("-k", "--top-k", min=1, max=20,
                                   help="Passages the answer is chosen from.")] = 5,
    index_dir: IndexDir = None,
    model: Model = None,
    as_json: AsJson = False,
) -> None:
    """Answer QUESTION from the records, citing the sentences it rests on (JSON as POST /ask)."""
    if not any(ch.isalnum() for ch in question):
        raise HoinghiError("the question is empty", remedy='ask e.g. "What was the 2024 growth target?"')
    service = _service(index_dir, model)
    _run_ingest(service, None)
    started = time.perf_counter()
    answer = service.ask(question, top_k=k)
    body = ask_response(answer, 1000 * (time.perf_counter() - started))
    if as_json:
        out.print_json(body.model_dump_json())
        return
    style = "bold green" if body.found else "bold yellow"
    out.print(f"[{style}]{body.short_answer or ('' if body.found else body.answer)}[/{style}]")
    if body.found:
        out.print(body.answer)
    for c in body.citations:
        out.print(f"[bold][{c.n}][/bold] {c.title[:60]} · p.{c.page} · {c.section[:60]} "
                  f"[dim]({c.source}, chars {c.start}-{c.end})[/dim]")
    if body.notice:
        err.print(f"[dim]{body.notice}[/dim]")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    index_dir: IndexDir = None,
    model: Model = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); indexes the bundled corpus on first run."""
    import uvicorn

    from api.app import create_app

    service = _service(index_dir, model)
    if host not in LOOPBACK and not service.settings.api.api_key:
        raise HoinghiError(f"refusing to serve on {host} without an API key",
                           remedy="set HOINGHI_API_KEY, or bind to 127.0.0.1")
    _run_ingest(service, None)
    service.warm()
    err.print(f"serving on http://{host}:{port} (API docs at /docs)")
    uvicorn.run(create_app(service), host=host, port=port, log_level="warning")


@app.command()
def docs(index_dir: IndexDir = None, model: Model = None, as_json: AsJson = False) -> None:
    """List the indexed documents."""
    service = _service(index_dir, model)
    _run_ingest(service, None)
    counts: dict[str, int] = {}
    corrected: dict[str, int] = {}  # passages searched with OCR misreadings corrected
    for p in service.snapshot.passages:
        counts[p.document_id] = counts.get(p.document_id, 0) + 1
        corrected[p.document_id] = corrected.get(p.document_id, 0) + (p.search_text is not None)
    rows: list[dict[str, Any]] = [
        {"id": d.id, "name": d.name, "title": d.meta.title, "conference": d.meta.conference_number,
         "term": d.meta.term, "dates": list(d.meta.dates), "passages": counts.get(d.id, 0),
         "ocr_pages": list(d.ocr_pages), "ocr_corrected_passages": corrected.get(d.id, 0),
         "source": d.source}
        for d in service.documents()
    ]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "title", "conf.", "dates", "passages", "OCR-corrected")
    for r in rows:
        table.add_row(str(r["id"]), str(r["title"])[:70], str(r["conference"] or ""),
                      ", ".join(r["dates"][:2]), str(r["passages"]),
                      str(r["ocr_corrected_passages"] or ""))
    out.print(table)


@app.command()
def rm(
    ids: Annotated[list[str], typer.Argument(help="Document ids, as `hoinghi docs` lists them.")],
    index_dir: IndexDir = None,
    model: Model = None,
) -> None:
    """Remove documents (and their passages) from the index."""
    service = _service(index_dir, model)
    service.remove(set(ids))
    out.print(f"removed {len(set(ids))} document(s)")


def _configure_logging() -> None:
    level = logging.DEBUG if os.environ.get("HOINGHI_DEBUG") else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # libraries that set their own loggers to DEBUG
        handler.setLevel(level)
    # The bundled model is local; never reach for a model hub unless the user asks to.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _add_plugins() -> None:
    """Commands other packages register under the ``hoinghi.commands`` entry point (`eval`)."""
    from importlib.metadata import entry_points

    registered = {c.name for c in app.registered_commands}
    for ep in entry_points(group="hoinghi.commands"):
        if ep.name not in registered:
            app.command(name=ep.name)(ep.load())


def main() -> None:
    """Console-script entry point: map user errors to a message and an exit code."""
    _configure_logging()
    _add_plugins()
    try:
        app()  # standalone: usage errors, --help and Ctrl-C are handled by typer itself
    except HoinghiError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(next((code for cls, code in EXIT_CODES.items() if isinstance(exc, cls)), 1))
