"""A LangChain retriever over a hoinghi index, so hoinghi can be plugged into a LangChain chain.

    from api.lc_retriever import HoinghiRetriever
    retriever = HoinghiRetriever(service=Service(Settings.from_env()), k=5)
    retriever.invoke("What was the 2024 growth target?")  # -> list[langchain Document]
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from api.schemas import file_name
from api.service import Service


class HoinghiRetriever(BaseRetriever):
    """Hybrid (dense + BM25) passages as LangChain documents, with citation metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    service: Service
    k: int = 5
    document_ids: list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        ids = set(self.document_ids) if self.document_ids is not None else None
        hits, docs = self.service.search_with_documents(query, k=self.k, document_ids=ids)
        out = []
        for hit in hits:
            p = hit.passage
            doc = docs[p.document_id]
            metadata: dict[str, Any] = {
                "passage_id": p.id, "document_id": p.document_id, "title": doc.meta.title,
                "source": file_name(doc.source), "page": p.page, "section": " > ".join(p.section),
                "start": p.start, "end": p.end, "score": hit.score,
            }
            out.append(LCDocument(page_content=p.text, metadata=metadata, id=p.id))
        return out
