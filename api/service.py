"""The application service: one object owning settings, model, store and the loaded retriever.

Entry points (CLI, HTTP app, evaluation) build it once and call it; nothing here is global.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from pathlib import Path

from index.embed import Embedder, load_embedder
from index.errors import NoIndexError
from index.hybrid import HybridRetriever
from index.settings import Settings
from index.store import IndexStore, Snapshot, remove_documents
from index.types import Document, Hit
from ingest.pipeline import IngestReport, ingest_paths

log = logging.getLogger(__name__)

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "communiques"


class Service:
    """Search over one index directory with one embedding model."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.store = IndexStore(settings.index_dir)
        self._embedder = embedder
        self._snapshot: Snapshot | None = None
        self._retriever: HybridRetriever | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model)
        return self._embedder

    def ingest(self, paths: list[Path], on_file: Callable[[Path], None] | None = None) -> IngestReport:
        report = ingest_paths(paths, self.store, self.embedder, self.settings, on_file)
        self._snapshot = self._retriever = None
        return report

    def ensure_index(self, on_file: Callable[[Path], None] | None = None) -> IngestReport | None:
        """Index the bundled communiqués when no index exists yet (the first run)."""
        if self.store.exists():
            return None
        log.info("no index at %s: indexing the bundled corpus %s", self.store.root, BUNDLED_CORPUS)
        return self.ingest([BUNDLED_CORPUS], on_file)

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            if not self.store.exists():
                raise NoIndexError(f"no index at {self.store.root}",
                                   remedy="run `hoinghi ingest PATH` first")
            self._snapshot = self.store.load(expect_model=self.embedder.name)
        return self._snapshot

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            self._retriever = HybridRetriever(self.snapshot, self.embedder, self.settings.retrieval)
        return self._retriever

    def search(self, query: str, k: int = 10, document_ids: Collection[str] | None = None) -> list[Hit]:
        return self.retriever.search(query, k, document_ids)

    def documents(self) -> list[Document]:
        return list(self.snapshot.documents.values())

    def remove(self, ids: set[str]) -> None:
        remove_documents(self.store, ids)
        self._snapshot = self._retriever = None
