"""The index directory: a self-describing, versioned snapshot swapped in atomically.

Layout::

    INDEX_DIR/CURRENT                 name of the live snapshot (replaced with os.replace)
    INDEX_DIR/snapshots/<name>/       manifest.json, documents.jsonl, passages.jsonl, dense.faiss,
                                      sentences.faiss; bm25/, diacritics.json (written by the
                                      first load that searches it)
    INDEX_DIR/.lock                   held by the one writer

A writer builds a complete new snapshot aside, then swaps CURRENT. A crash at any point leaves
the previous snapshot intact and CURRENT pointing at it; readers see the old or the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.dense import DenseIndex
from index.diacritics import DiacriticModel
from index.errors import IndexStoreError, ModelError, NoIndexError
from index.lexical import LexicalIndex
from index.settings import DenseSettings
from index.tokens import PassageTokens, TokenStates
from index.types import Document, Passage, content_id

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
T = TypeVar("T")
_KEEP_SNAPSHOTS = 2


def _empty(dim: int) -> np.ndarray:
    return np.zeros((0, dim), dtype=np.float32)


@dataclass(frozen=True)
class Entry:
    """One document ready to index: its passages, their vectors and their sentences' vectors."""

    document: Document
    passages: list[Passage]
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    tokens: list[PassageTokens] | None = None  # per passage, when the embedder gives them


@dataclass(frozen=True)
class Snapshot:
    """One consistent version of the index, fully in memory."""

    model: str
    dim: int
    chunking: dict[str, Any]
    documents: dict[str, Document] = field(default_factory=dict)
    passages: tuple[Passage, ...] = ()
    vectors: np.ndarray = field(default_factory=lambda: _empty(0))
    sentence_vectors: np.ndarray = field(default_factory=lambda: _empty(0))
    # The FAISS indexes (passages, sentences) as loaded, or those this snapshot only appends to.
    indexes: tuple[DenseIndex, DenseIndex] | None = field(default=None, compare=False, repr=False)
    # BM25 over the passages' embed texts and the diacritic model of their (corrected) text,
    # when loaded with ``lexical=True``.
    lexical: LexicalIndex | None = field(default=None, compare=False, repr=False)
    diacritics: DiacriticModel | None = field(default=None, compare=False, repr=False)
    # Every passage's token states for re-ranking, or None (embedder without them, older index).
    tokens: TokenStates | None = field(default=None, compare=False, repr=False)

    @classmethod
    def empty(cls, model: str, dim: int, chunking: dict[str, Any]) -> Snapshot:
        """A snapshot with no documents, for a model of dimension ``dim``."""
        return cls(model, dim, chunking, vectors=_empty(dim), sentence_vectors=_empty(dim))

    def sentence_owner(self) -> np.ndarray:
        """Row ``i`` of ``sentence_vectors`` belongs to passage ``sentence_owner()[i]``."""
        counts = [len(p.sentences) for p in self.passages]
        return np.repeat(np.arange(len(self.passages)), counts)

    def manifest(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for p in self.passages:
            counts[p.document_id] = counts.get(p.document_id, 0) + 1
        return {
            "format_version": FORMAT_VERSION,
            "model": {"name": self.model, "dim": self.dim},
            "chunking": self.chunking,
            "passages": len(self.passages),
            "documents": [
                {"id": d.id, "name": d.name, "source": d.source, "sha256": d.sha256,
                 "title": d.meta.title, "passages": counts.get(d.id, 0)}
                for d in self.documents.values()
            ],
        }

    def find_source(self, source: str) -> Document | None:
        return next((d for d in self.documents.values() if d.source == source), None)


def _beside(path: Path, load: Callable[[Path], T], build: Callable[[], T],
            save: Callable[[T, Path], None], whole: Callable[[T], bool]) -> T:
    """What a snapshot's searches need besides its files (BM25, the diacritic model): loaded from
    ``path`` when it is there and ``whole``, else built and written there for the next process
    (best effort: a read-only index directory only costs the rebuild)."""
    if path.exists():
        try:
            found = load(path)
            if whole(found):
                return found
            log.warning("%s does not match the passages: rebuilt", path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s unreadable (%s): rebuilt", path, exc)
    built = build()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.time_ns()}.tmp")
    try:
        save(built, tmp)
        for child in tmp.iterdir() if tmp.is_dir() else [tmp]:
            with child.open("rb") as fh:
                os.fsync(fh.fileno())
        _remove(path)  # a broken one
        os.replace(tmp, path)  # another reader may have won the race: then its copy stays
    except OSError as exc:
        log.info("%s not written (%s)", path, exc)
    finally:
        _remove(tmp)
    return built


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _lexical(snapshot_dir: Path, passages: tuple[Passage, ...]) -> LexicalIndex:
    return _beside(snapshot_dir / "bm25", LexicalIndex.load,
                   lambda: LexicalIndex([p.embed_text for p in passages]),
                   LexicalIndex.save, lambda lexical: lexical.size == len(passages))


def _diacritics(snapshot_dir: Path, passages: tuple[Passage, ...]) -> DiacriticModel:
    return _beside(snapshot_dir / "diacritics.json", DiacriticModel.load,
                   lambda: DiacriticModel(p.search_body for p in passages),
                   DiacriticModel.save, lambda model: True)


def _jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class IndexStore:
    """Reads and atomically writes snapshots in one index directory."""

    def __init__(self, root: Path, dense: DenseSettings | None = None) -> None:
        self.root = Path(root)
        self.dense = dense or DenseSettings()

    def exists(self) -> bool:
        return (self.root / "CURRENT").is_file()

    def current_dir(self) -> Path:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError as exc:
            raise NoIndexError(
                f"no index at {self.root}", remedy="run `hoinghi ingest PATH` first"
            ) from exc
        return self.root / "snapshots" / name

    def load(self, expect_model: str | None = None, lexical: bool = False) -> Snapshot:
        """Load the live snapshot; refuse one built by a different model than ``expect_model``.

        ``lexical``: also give it its BM25 index and diacritic model: the saved ones (BM25
        memory-mapped), or, the first time a snapshot is loaded to be searched, ones built now and
        written beside it for the next process. A writer loads without them, so an ingest's
        memory peak does not include a BM25 build."""
        folder = self.current_dir()
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexStoreError(
                f"{folder}: manifest missing or unreadable",
                remedy="re-ingest into a fresh --index-dir",
            ) from exc
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(
                f"{folder}: index format {manifest.get('format_version')}, this hoinghi reads "
                f"{FORMAT_VERSION}",
                remedy="re-ingest the documents into a fresh --index-dir",
            )
        model, dim = manifest["model"]["name"], int(manifest["model"]["dim"])
        if expect_model is not None and model != expect_model:
            raise ModelError(
                f"the index at {self.root} was built with model {model!r}, not {expect_model!r}",
                remedy=f"use --model {model!r} or ingest into another --index-dir",
            )
        try:
            with (folder / "documents.jsonl").open(encoding="utf-8") as fh:
                docs = [Document.from_dict(json.loads(line)) for line in fh]
            with (folder / "passages.jsonl").open(encoding="utf-8") as fh:  # line by line
                passages = tuple(Passage.from_dict(json.loads(line)) for line in fh)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexStoreError(f"{folder}: documents or passages unreadable",
                                  remedy="re-ingest into a fresh --index-dir") from exc
        dense = DenseIndex.load(folder / "dense.faiss", dim, self.dense)
        sentences = DenseIndex.load(folder / "sentences.faiss", dim, self.dense)
        n_sentences = sum(len(p.sentences) for p in passages)
        if (dense.size != len(passages) or manifest.get("passages") != len(passages)
                or sentences.size != n_sentences):
            raise IndexStoreError(
                f"{folder}: {dense.size} vectors for {len(passages)} passages, "
                f"{sentences.size} for {n_sentences} sentences",
                remedy="re-ingest into a fresh --index-dir")
        tokens = TokenStates.load(folder, dim)
        if tokens is not None and tokens.passages != len(passages):
            log.warning("%s: token states of %d passages for %d: not used", folder, tokens.passages,
                        len(passages))
            tokens = None
        return Snapshot(model, dim, manifest["chunking"], {d.id: d for d in docs}, passages,
                        dense.vectors(), sentences.vectors(), (dense, sentences),
                        _lexical(folder, passages) if lexical else None,
                        _diacritics(folder, passages) if lexical else None, tokens)

    def _dense(self, dim: int, vectors: np.ndarray, base: DenseIndex | None) -> DenseIndex:
        """The index for ``vectors``: ``base`` itself when ``vectors`` are its own storage and it
        is of the right kind (snapshots from ``index.builder``), else a new one, exact or HNSW."""
        own = base is not None and getattr(vectors, "owner", None) is base
        if base is not None and own and base.kind == DenseIndex.kind_for(len(vectors), self.dense):
            return base
        return DenseIndex.build(dim, vectors, self.dense)

    def save(self, snapshot: Snapshot) -> Path:
        """Write ``snapshot`` aside, fsync it, then point CURRENT at it."""
        snapshots = self.root / "snapshots"
        snapshots.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{content_id(time.time_ns(), os.getpid(), length=8)}"
        tmp = snapshots / f".{name}.tmp"
        tmp.mkdir()
        _jsonl(tmp / "documents.jsonl", (d.to_dict() for d in snapshot.documents.values()))
        _jsonl(tmp / "passages.jsonl", (p.to_dict() for p in snapshot.passages))
        bases = snapshot.indexes or (None, None)
        dense = self._dense(snapshot.dim, snapshot.vectors, bases[0])
        sentences = self._dense(snapshot.dim, snapshot.sentence_vectors, bases[1])
        dense.save(tmp / "dense.faiss")
        sentences.save(tmp / "sentences.faiss")
        tokens = snapshot.tokens
        if tokens is not None and tokens.passages != len(snapshot.passages):
            tokens = None
        if tokens is not None:
            tokens.save(tmp)
        manifest = {**snapshot.manifest(), "dense": {
            "ann_min_vectors": self.dense.ann_min_vectors,
            "passages": dense.describe(), "sentences": sentences.describe()},
            "token_states": None if tokens is None else tokens.rows}
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        for child in tmp.iterdir():
            with child.open("rb") as fh:
                os.fsync(fh.fileno())
        final = snapshots / name
        os.replace(tmp, final)
        pointer = self.root / "CURRENT.tmp"
        pointer.write_text(name + "\n")
        with pointer.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer, self.root / "CURRENT")
        _fsync_dir(self.root)
        self._prune(keep=name)
        log.info("index snapshot %s written (%d passages)", name, len(snapshot.passages))
        return final

    def _prune(self, keep: str) -> None:
        snaps = sorted(p for p in (self.root / "snapshots").iterdir() if p.name != keep)
        for old in snaps[: max(0, len(snaps) - (_KEEP_SNAPSHOTS - 1))]:
            shutil.rmtree(old, ignore_errors=True)

    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the single-writer lock; a second writer gets a clear error at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IndexStoreError(
                    f"another hoinghi process is writing to {self.root}",
                    remedy="wait for it to finish, then retry",
                ) from exc
            for stale in self.root.glob(".tokens.*"):  # a writer that died left them
                shutil.rmtree(stale, ignore_errors=True)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
