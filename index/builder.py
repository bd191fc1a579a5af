"""A new snapshot written document by document straight into its FAISS indexes.

An ingest knows, before it embeds anything, how many passages and sentences it adds and which
documents it replaces. The builder takes the writer's own loaded snapshot, keeps its rows (in its
indexes, grown in place, when nothing is removed and the kind of index stays; copied into new ones
otherwise), reserves storage for the final size, and then receives each document's vectors as
they are embedded. No vector is held twice: not the batch's (the old code stacked them, then
copied them into FAISS) and not the index's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from index.dense import DenseIndex
from index.errors import UnknownDocumentError
from index.settings import DenseSettings
from index.store import Entry, IndexStore, Snapshot
from index.tokens import TokenWriter
from index.types import Document, Passage

_COPY_ROWS = 65_536  # kept rows are copied into a new index this many at a time


def _grown(index: DenseIndex | None, old: np.ndarray, keep: np.ndarray, final_rows: int,
           settings: DenseSettings) -> DenseIndex:
    """``index`` itself when it can take the new rows in place, else a new index of the kept
    rows of ``old``; either way with storage reserved for ``final_rows``."""
    wanted = DenseIndex.kind_for(final_rows, settings)
    if index is not None and bool(keep.all()) and index.kind == wanted and index.size == len(old):
        index.reserve(final_rows)
        return index
    out = DenseIndex.empty(old.shape[1], final_rows, settings)
    out.reserve(final_rows)
    rows = np.flatnonzero(keep)
    for start in range(0, len(rows), _COPY_ROWS):
        out.add(old[rows[start:start + _COPY_ROWS]])
    return out


class SnapshotBuilder:
    """Consumes ``base``: its vectors are views of its indexes, which may grow in place, so the
    caller must drop its own reference to ``base`` and use only the builder from then on."""

    def __init__(self, base: Snapshot, remove: set[str], new_passages: int, new_sentences: int,
                 settings: DenseSettings, spill: Path | None = None) -> None:
        for doc_id in remove:
            if doc_id not in base.documents:
                raise UnknownDocumentError(f"no document with id {doc_id!r}", remedy="see `hoinghi docs`")
        keep = np.array([p.document_id not in remove for p in base.passages], dtype=bool)
        sentence_keep = keep[base.sentence_owner()]
        self.model, self.dim, self.chunking = base.model, base.dim, base.chunking
        self.documents: dict[str, Document] = {k: v for k, v in base.documents.items() if k not in remove}
        self.passages: list[Passage] = [p for p, kept in zip(base.passages, keep, strict=True) if kept]
        self.changed = bool(remove)
        indexes = base.indexes or (None, None)
        self.dense = _grown(indexes[0], base.vectors, keep, int(keep.sum()) + new_passages, settings)
        self.sentences = _grown(indexes[1], base.sentence_vectors, sentence_keep,
                                int(sentence_keep.sum()) + new_sentences, settings)
        # Token states of the kept passages, then of each added one, written to files as they
        # come; none once any passage has none (an older index, an embedder without them).
        self.tokens: TokenWriter | None = None
        if base.tokens is not None or not base.passages:
            folder = Path(tempfile.mkdtemp(prefix=".tokens.", dir=spill))
            self.tokens = TokenWriter(folder, base.dim, settings.token_states_max)
            if base.tokens is not None:
                self.tokens.add_kept(base.tokens, keep)

    def add(self, entry: Entry) -> None:
        """One document's passages and vectors (those are in the indexes now; drop them)."""
        self.documents[entry.document.id] = entry.document
        self.passages.extend(entry.passages)
        self.dense.add(entry.vectors)
        self.sentences.add(entry.sentence_vectors)
        if self.tokens is not None and entry.tokens is not None:
            for part in entry.tokens:
                self.tokens.add(part)
        elif self.tokens is not None:
            self.tokens.discard()
            self.tokens = None
        self.changed = True

    def snapshot(self) -> Snapshot:
        """The new snapshot; its vectors are read-only views of the indexes it carries."""
        tokens = self.tokens.finish() if self.tokens is not None else None
        self.tokens = None
        return Snapshot(self.model, self.dim, self.chunking, dict(self.documents), tuple(self.passages),
                        self.dense.vectors(), self.sentences.vectors(), (self.dense, self.sentences),
                        tokens=tokens)


def remove_documents(store: IndexStore, ids: set[str]) -> Snapshot:
    """Remove documents by id under the writer lock; an unknown id changes nothing."""
    with store.writer():
        builder = SnapshotBuilder(store.load(), ids, 0, 0, store.dense, spill=store.root)
        snapshot = builder.snapshot()
        store.save(snapshot)
    return snapshot
