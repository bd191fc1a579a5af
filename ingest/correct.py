"""OCR diacritic correction for search: misread marks fixed by a model of the clean indexed text.

Scans read by OCR get marks wrong ("thành phổ" for "thành phố", "Đẳng" for "Đảng"). A document
read by OCR, or whose text shows OCR's tell-tale (syllables with two tone marks), gets a
``search_text`` per passage: its embed text corrected by a syllable bigram model learned from the
other, clean documents. Embeddings and BM25 use the corrected text; citations keep the written
text and its offsets (a correction never changes a length). Its title is corrected too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from index.diacritics import DiacriticModel, misread_rate
from index.settings import IngestSettings
from index.types import Document, Passage

log = logging.getLogger(__name__)


def looks_ocr(document: Document, settings: IngestSettings) -> bool:
    """Read by OCR here (a scan), or text with OCR's misread marks at ``settings.misread_rate``
    or more (OCR output exported as text)."""
    return bool(document.ocr_pages) or misread_rate(document.text) >= settings.misread_rate


def reference_model(texts: Iterable[str]) -> DiacriticModel | None:
    """The correction model from clean texts, or None when there are none."""
    chosen = [t for t in texts if t.strip()]
    return DiacriticModel(chosen) if chosen else None


def corrected_title(document: Document, model: DiacriticModel) -> Document:
    """``document`` with its title's misread marks corrected: the title is shown beside every
    citation, and OCR's "ĐẲNG BỘ — THÀNH PHÓ" is not what the scan says. The text stays as read."""
    title = model.correct(document.meta.title)
    if title == document.meta.title:
        return document
    log.info("%s: title corrected to %r", document.name, title)
    return replace(document, meta=replace(document.meta, title=title))


def corrected(document: Document, passages: list[Passage], model: DiacriticModel) -> list[Passage]:
    """``passages`` with ``search_text`` set where correction changed their embed text."""
    text = model.correct(document.text)
    headings: dict[str, str] = {}
    out = []
    for p in passages:
        written = p.written_embed_text
        prefix = written[: len(written) - len(p.text)]
        if prefix not in headings:
            headings[prefix] = model.correct(prefix)
        search = headings[prefix] + text[p.start:p.end]
        out.append(replace(p, search_text=search) if search != written else p)
    changed = sum(a != b for a, b in zip(document.text, text, strict=True))
    log.info("%s: OCR correction changed %d characters for search", document.name, changed)
    return out
