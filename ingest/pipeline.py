"""Ingest: files become documents, passages and vectors in a new index snapshot.

A bad file is logged and listed in the report; the batch goes on. Files whose bytes are already
indexed are skipped; a changed file replaces its old passages.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np

from index.builder import SnapshotBuilder
from index.embed import Embedder
from index.errors import IngestError
from index.settings import Settings
from index.store import Entry, IndexStore, Snapshot
from index.tokens import PassageTokens
from index.types import Document, Passage
from ingest.chunk import chunk
from ingest.clean import clean_pages
from ingest.correct import corrected, corrected_title, looks_ocr, reference_model
from ingest.read import RawDocument, read_file, walk
from ingest.structure import metadata, paragraphs

log = logging.getLogger(__name__)
# A file read and cut, waiting to be embedded.
Built = tuple[Path, Document, list[Passage]]


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[tuple[str, str, int]] = field(default_factory=list)  # (source, id, passages)
    replaced: list[str] = field(default_factory=list)  # ids of superseded documents
    unchanged: list[str] = field(default_factory=list)  # sources already indexed as they are
    # An unchanged source whose content is indexed under another name: source -> that name.
    same_as: dict[str, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (source, note): indexed anyway
    passed_over: list[str] = field(default_factory=list)  # files of directories no reader takes

    def to_dict(self) -> dict[str, object]:
        return {
            "added": [{"source": s, "id": i, "passages": n} for s, i, n in self.added],
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "same_as": self.same_as,
            "skipped": [{"source": s, "reason": r} for s, r in self.skipped],
            "warnings": [{"source": s, "warning": w} for s, w in self.warnings],
            "passed_over": self.passed_over,
        }


def build_document(raw: RawDocument, settings: Settings,
                   count_tokens: Callable[[str], int]) -> tuple[Document, list[Passage]]:
    """Clean, structure and chunk one read file."""
    sha = hashlib.sha256(raw.data).hexdigest()
    cleaned = clean_pages(raw.pages)
    if not any(ch.isalpha() for ch in cleaned.text):
        raise IngestError("no text found after cleaning", path=str(raw.path))
    document = Document(
        id=sha[:16], name=raw.path.stem, source=str(raw.path.resolve()), sha256=sha,
        text=cleaned.text, pages=cleaned.pages, meta=metadata(cleaned), ocr_pages=raw.ocr_pages,
    )
    passages = chunk(document, paragraphs(cleaned), settings.chunk, count_tokens)
    if not passages:
        raise IngestError("no passages could be made from the text", path=str(raw.path))
    return document, passages


NOT_A_RECORD = ("does not look like a conference record (no conference number, term, date or "
                "record kind found); indexed anyway")


def looks_like_a_record(document: Document) -> bool:
    """A communiqué, press release or notice names its conference, term, date or kind."""
    m = document.meta
    return bool(m.conference_number or m.term or m.dates or m.kind)


def embed_passages_and_sentences(
    embedder: Embedder, passages: list[Passage], late: bool
) -> tuple[np.ndarray, np.ndarray, list[PassageTokens] | None]:
    """Passage vectors, sentence vectors and, when the embedder gives them, each passage's token
    states (from the passage's own run); ``late``: sentences pooled from the passage's run."""
    texts = [p.embed_text for p in passages]
    late_embed = getattr(embedder, "embed_passages_and_spans", None)
    if late and late_embed is not None:
        spans = [[(s - p.start + len(t) - len(p.text), e - p.start + len(t) - len(p.text))
                  for s, e in p.sentences] for p, t in zip(passages, texts, strict=True)]
        return cast(tuple[np.ndarray, np.ndarray, list[PassageTokens]], late_embed(texts, spans))
    # One run over the distinct texts: a passage of one sentence and no section prefix is its
    # sentence, and a repeated sentence is embedded once (XQuAD: 54 of 1,210 sentences).
    sentences = [s for p in passages for s in p.sentence_texts()]
    distinct = list(dict.fromkeys([*texts, *sentences]))
    row = {text: i for i, text in enumerate(distinct)}
    with_tokens = getattr(embedder, "embed_passages_with_tokens", None)
    tokens: list[PassageTokens] | None = None
    if with_tokens is not None:
        wanted = set(texts)
        vectors, states = with_tokens(distinct, [t in wanted for t in distinct])
        tokens = [states[row[t]] for t in texts]
    else:
        vectors = embedder.embed_passages(distinct)
    return vectors[[row[t] for t in texts]], vectors[[row[s] for s in sentences]], tokens


def embed_documents(embedder: Embedder, group: list[Built], late: bool) -> list[Entry]:
    """Each document of ``group`` with its passage and sentence vectors (and token states), from
    one run over them all."""
    documents = [ps for _, _, ps in group]
    vectors, sentence_vectors, tokens = embed_passages_and_sentences(
        embedder, [p for passages in documents for p in passages], late)
    passage_ends = np.cumsum([len(ps) for ps in documents])[:-1]
    sentence_ends = np.cumsum([sum(len(p.sentences) for p in ps) for ps in documents])[:-1]
    starts = np.concatenate([[0], passage_ends]).astype(int)
    parts = zip(group, np.split(vectors, passage_ends), np.split(sentence_vectors, sentence_ends), starts,
                strict=True)
    return [Entry(document, passages, v, sv, None if tokens is None else tokens[a:a + len(passages)])
            for (_, document, passages), v, sv, a in parts]


def _groups(built: list[Built], texts: int) -> Iterator[list[Built]]:
    """Consecutive documents, each run holding about ``texts`` passages and sentences."""
    group: list[Built] = []
    size = 0
    for item in built:
        group.append(item)
        size += sum(1 + len(p.sentences) for p in item[2])
        if size >= texts:
            yield group
            group, size = [], 0
    if group:
        yield group


def empty_snapshot(embedder: Embedder, settings: Settings) -> Snapshot:
    chunking = {"max_tokens": settings.chunk.max_tokens, "min_tokens": settings.chunk.min_tokens,
                "embedded_heading": "nearest"}  # what precedes a passage's text when embedded
    return Snapshot.empty(embedder.name, embedder.dim, chunking)


def ingest_paths(
    paths: list[Path],
    store: IndexStore,
    embedder: Embedder,
    settings: Settings,
    on_file: Callable[[Path, str], None] | None = None,
) -> IngestReport:
    """Ingest files and directories into the store under its writer lock.

    Files are read and cut first, then embedded in runs of consecutive documents (one
    length-sorted run pads far less than one per document). OCR output is corrected for search
    with a model of the clean documents, which may come later in the batch. ``on_file(path,
    stage)`` is called twice per file: "reading", then "embedding", "unchanged" or "skipped".
    """
    files, passed_over = walk(paths)
    report = IngestReport(passed_over=[str(p) for p in passed_over])
    with store.writer():
        snapshot = (store.load(expect_model=embedder.name) if store.exists()
                    else empty_snapshot(embedder, settings))
        known = {d.sha256: d.source for d in snapshot.documents.values()}
        built: list[Built] = []
        for path in files:
            if on_file:
                on_file(path, "reading")
            try:
                if not path.exists():
                    raise IngestError("no such file or directory", path=str(path))
                raw = read_file(path, settings.ingest)
                sha = hashlib.sha256(raw.data).hexdigest()
                if sha in known:
                    report.unchanged.append(str(path))
                    if known[sha] != str(path.resolve()):  # a renamed or copied file: say which
                        report.same_as[str(path)] = known[sha]
                    if on_file:
                        on_file(path, "unchanged")
                    continue
                document, passages = build_document(raw, settings, embedder.count_tokens)
            except IngestError as exc:
                _skip(report, path, exc)
                if on_file:
                    on_file(path, "skipped")
                continue
            known[sha] = document.source
            built.append((path, document, passages))
        built = correct_ocr(built, snapshot, settings)
        replaced = {str(path): old.id for path, document, _ in built
                    if (old := snapshot.find_source(document.source)) is not None}
        # Every vector goes straight into the new snapshot's indexes, sized for the batch now.
        builder = SnapshotBuilder(snapshot, set(replaced.values()),
                                  sum(len(ps) for _, _, ps in built),
                                  sum(len(p.sentences) for _, _, ps in built for p in ps), settings.dense,
                                  spill=store.root)
        del snapshot  # its vectors are views of indexes the builder may grow in place
        for group in _groups(built, settings.model.embed_group):
            for path, _, _ in group:
                if on_file:
                    on_file(path, "embedding")
            entries = embed_documents(embedder, group, settings.model.late_sentences)
            for (path, document, passages), entry in zip(group, entries, strict=True):
                builder.add(entry)
                if str(path) in replaced:
                    report.replaced.append(replaced[str(path)])
                report.added.append((str(path), document.id, len(passages)))
                if not looks_like_a_record(document):
                    report.warnings.append((str(path), NOT_A_RECORD))
            del entries
        if builder.changed:
            store.save(builder.snapshot())
    return report


def _skip(report: IngestReport, path: Path, exc: IngestError) -> None:
    log.warning("skipped %s", exc)
    report.skipped.append((str(path), exc.message + (f" ({exc.remedy})" if exc.remedy else "")))


def correct_ocr(built: list[Built], snapshot: Snapshot,
                settings: Settings) -> list[Built]:
    """OCR documents of the batch with ``search_text`` corrected by a model of the clean ones
    (indexed before or in this batch); unchanged when there is no OCR document or no clean text."""
    mode = settings.ingest.correct_ocr
    if mode == "off":
        return built
    noisy = {d.id for _, d, _ in built if mode == "all" or looks_ocr(d, settings.ingest)}
    if not noisy:
        return built
    clean = [d.text for d in snapshot.documents.values() if not looks_ocr(d, settings.ingest)]
    clean += [d.text for _, d, _ in built if d.id not in noisy]
    model = reference_model(clean)
    if model is None:
        log.warning("OCR documents indexed as read: no clean document to learn corrections from")
        return built
    return [(path, corrected_title(d, model), corrected(d, ps, model)) if d.id in noisy else (path, d, ps)
            for path, d, ps in built]
