"""The application service: one object owning settings, model, store and the loaded retriever.

Entry points (CLI, HTTP app, evaluation) build it once and call it; nothing here is global.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from api.answer import Answer, Answerer
from api.generate import generative_answer
from index.builder import remove_documents
from index.embed import Embedder, QueryCache, load_embedder
from index.errors import NoIndexError, UnknownDocumentError
from index.hybrid import HybridRetriever
from index.settings import Settings
from index.store import IndexStore, Snapshot
from index.text import clean_query
from index.types import Document, Hit
from ingest.pipeline import IngestReport, ingest_paths
from ingest.structure import conferences_named

log = logging.getLogger(__name__)

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "communiques"


@dataclass(frozen=True)
class Loaded:
    """One snapshot with the retriever and answerer built on it: replaced whole, never mixed."""

    snapshot: Snapshot
    retriever: HybridRetriever
    answerer: Answerer


class Service:
    """Search and answers over one index directory with one embedding model.

    Readers take one ``Loaded`` reference per request; an ingest or removal publishes a new
    snapshot and drops the reference, so a request sees the old index or the new one, not a mix.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.store = IndexStore(settings.index_dir, settings.dense)
        self._embedder = embedder
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings.model)
            if self.settings.retrieval.query_cache > 0 and not isinstance(self._embedder, QueryCache):
                self._embedder = QueryCache(self._embedder, self.settings.retrieval.query_cache)
            return self._embedder

    def ingest(self, paths: list[Path], on_file: Callable[[Path, str], None] | None = None) -> IngestReport:
        report = ingest_paths(paths, self.store, self.embedder, self.settings, on_file)
        self._loaded = None
        return report

    def ensure_index(self, on_file: Callable[[Path, str], None] | None = None) -> IngestReport | None:
        """Index the bundled communiqués when no index exists yet (the first run)."""
        if self.store.exists():
            return None
        log.info("no index at %s: indexing the bundled corpus %s", self.store.root, BUNDLED_CORPUS)
        return self.ingest([BUNDLED_CORPUS], on_file)

    @property
    def loaded(self) -> Loaded:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        embedder = self.embedder
        with self._lock:
            if self._loaded is None:
                if not self.store.exists():
                    raise NoIndexError(f"no index at {self.store.root}",
                                       remedy="run `hoinghi ingest PATH`, or upload files with "
                                              "POST /documents or the Documents page")
                snapshot = self.store.load(expect_model=embedder.name, lexical=True)
                retriever = HybridRetriever(snapshot, embedder, self.settings.retrieval)
                answerer = Answerer(snapshot.documents, retriever.lexical.idf, self.settings.answer)
                self._loaded = Loaded(snapshot, retriever, answerer)
            return self._loaded

    @property
    def snapshot(self) -> Snapshot:
        return self.loaded.snapshot

    def search(self, query: str, k: int = 10, document_ids: Collection[str] | None = None) -> list[Hit]:
        return self.search_with_documents(query, k, document_ids)[0]

    def search_with_documents(self, query: str, k: int = 10, document_ids: Collection[str] | None = None,
                              ) -> tuple[list[Hit], dict[str, Document]]:
        """Hits and the documents they belong to, from one snapshot (an ingest may swap it)."""
        loaded = self.loaded
        query = clean_query(query)
        scope = _conference_scope(query, loaded.snapshot.documents, document_ids)
        return loaded.retriever.search(query, k, scope), loaded.snapshot.documents

    def ask(self, question: str, top_k: int | None = None,
            document_ids: Collection[str] | None = None) -> Answer:
        """An extractive answer with citations from the top passages (or "not found")."""
        loaded = self.loaded
        unknown = sorted(set(document_ids or ()) - loaded.snapshot.documents.keys())
        if unknown:  # a stale or mistyped id would otherwise read as "not in the records"
            raise UnknownDocumentError(f"no document with id {', '.join(map(repr, unknown))}",
                                       remedy="GET /documents or `hoinghi docs` lists them")
        k = top_k or self.settings.answer.top_k
        question = clean_query(question)
        document_ids = _conference_scope(question, loaded.snapshot.documents, document_ids)

        def search(query: str, depth: int = k) -> list[Hit]:
            return loaded.retriever.search(query, k=depth, document_ids=document_ids)

        def corroborate(query: str) -> list[Hit]:
            """Deeper: another document's statement of the answer may rank below the first k."""
            return search(query, depth=k * self.settings.answer.corroborate_depth)

        answer = loaded.answerer.answer(question, search(question), corroborate)
        if self.settings.generator.url:
            answer = generative_answer(answer, loaded.snapshot.documents, self.settings.generator)
        return answer

    def warm(self) -> None:
        """Load the model and the index now rather than on the first request."""
        if self.store.exists():
            _ = self.loaded
        self.embedder.embed_queries(["warm up"])

    def documents(self) -> list[Document]:
        return list(self.snapshot.documents.values())

    def remove(self, ids: set[str]) -> None:
        remove_documents(self.store, ids)
        self._loaded = None


def _conference_scope(question: str, documents: dict[str, Document],
                      document_ids: Collection[str] | None) -> Collection[str] | None:
    """A question naming a conference by number searches the records of that conference, when the
    index holds any ("Hội nghị lần thứ 24 thống nhất bao nhiêu nhóm nhiệm vụ?" had been answered
    from the 31st conference's communiqué); otherwise, or given ``document_ids``, as asked."""
    if document_ids is not None:
        return document_ids
    numbers = conferences_named(question)
    if not numbers:
        return None
    scope = {d.id for d in documents.values() if d.meta.conference_number in numbers}
    if scope:
        log.debug("question names conference %s: searching %d documents", sorted(numbers), len(scope))
    return scope or None
