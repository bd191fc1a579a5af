"""Ingest throughput with the real bundled model: passages/s embedded and pages/s end to end.

Run: ``python bench/ingest_throughput.py [--pdf-documents 40] [--json bench/results/ingest_throughput.json]``
(needs reportlab, from ``pip install -e .[dev]``, and the DejaVu font that the setup installs).

Three corpora, each ingested by ``Service.ingest`` into a fresh index (the first run of the model
is warmed before timing):

- the bundled communiqués (two plain-text records);
- the 240 XQuAD Vietnamese contexts, one file each;
- a synthetic PDF corpus made here from those contexts: ``--pdf-documents`` PDFs with a text
  layer (reportlab, DejaVu Sans), six contexts to a document, one context to a page, so pypdf's
  reading and page tracking are in the measurement. No downloads.

Reported per corpus: files, pages, passages, sentences, the texts embedded (a text that is both
a passage and a sentence counts once), the seconds inside the embedder and end to end, passages
and sentences embedded per second of embedding, and pages and passages per second end to end.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from api.service import BUNDLED_CORPUS, Service
from eval.report import emit_json
from eval.xquad import parallel
from index.embed import Embedder, load_embedder
from index.settings import Settings

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CONTEXTS_PER_PDF = 6


class TimedEmbedder:
    """The real embedder, with the seconds and texts of its passage runs counted."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.seconds = 0.0
        self.texts = 0

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return out

    def embed_passages_with_tokens(self, texts: Sequence[str], keep: Sequence[bool]) -> Any:
        """The run that also keeps the passages' token states (what an ingest calls)."""
        started = time.perf_counter()
        out = self.inner.embed_passages_with_tokens(texts, keep)  # type: ignore[attr-defined]
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def write_pdfs(contexts: list[str], folder: Path, documents: int) -> None:
    """``documents`` PDFs of ``CONTEXTS_PER_PDF`` pages, one context per page, wrapped to A4."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(documents):
        pdf = canvas.Canvas(str(folder / f"tai-lieu-{d:03d}.pdf"), pagesize=A4)
        for p in range(CONTEXTS_PER_PDF):
            y = 780.0
            pdf.setFont("DejaVu", 11)
            for line in simpleSplit(contexts[(d * CONTEXTS_PER_PDF + p) % len(contexts)], "DejaVu", 11, 470):
                pdf.drawString(60, y, line)
                y -= 15
            pdf.showPage()
        pdf.save()


def measure(settings: Settings, embedder: Embedder, folder: Path, index_dir: Path) -> dict[str, Any]:
    timed = TimedEmbedder(embedder)
    service = Service(replace(settings, index_dir=index_dir), timed)
    started = time.perf_counter()
    report = service.ingest([folder])
    seconds = time.perf_counter() - started
    if report.skipped:
        raise RuntimeError(f"skipped while measuring: {report.skipped}")
    snapshot = service.snapshot
    pages = sum(len(d.pages) or 1 for d in snapshot.documents.values())
    passages = len(snapshot.passages)
    sentences = int(snapshot.sentence_vectors.shape[0])
    return {
        "files": len(report.added), "pages": pages, "passages": passages, "sentences": sentences,
        "texts_embedded": timed.texts, "embed_seconds": round(timed.seconds, 2),
        "seconds": round(seconds, 2),
        "passages_and_sentences_per_embed_second": round((passages + sentences) / timed.seconds, 1),
        "pages_per_second": round(pages / seconds, 2),
        "passages_per_second": round(passages / seconds, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf-documents", type=int, default=40)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    embedder = load_embedder(settings.model)
    embedder.embed_passages(["khởi động mô hình"])  # the first run allocates; not timed
    contexts, _ = parallel()
    results: dict[str, Any] = {"model": embedder.name}
    with tempfile.TemporaryDirectory(prefix="hoinghi-ingest-") as tmp:
        root = Path(tmp)
        xquad = root / "xquad"
        xquad.mkdir()
        for cid, text in contexts.items():
            (xquad / f"{cid}.txt").write_text(text, encoding="utf-8")
        write_pdfs(list(contexts.values()), root / "pdf", args.pdf_documents)
        for name, folder in (("bundled", BUNDLED_CORPUS), ("xquad_contexts", xquad),
                             ("synthetic_pdf", root / "pdf")):
            results[name] = measure(settings, embedder, folder, root / f"index-{name}")
    print(emit_json(results, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
