"""The LangChain retriever adapter returns hoinghi passages as LangChain documents."""

from langchain_core.documents import Document

from api.lc_retriever import HoinghiRetriever
from api.service import Service


def test_langchain_retriever_returns_documents_with_citation_metadata(fake_service: Service) -> None:
    retriever = HoinghiRetriever(service=fake_service, k=3)
    docs = retriever.invoke("tăng trưởng GRDP 6 tháng đầu năm 2024")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    hits = fake_service.search("tăng trưởng GRDP 6 tháng đầu năm 2024", k=3)
    assert [d.page_content for d in docs] == [h.passage.text for h in hits]
    meta = docs[0].metadata
    assert {"document_id", "title", "source", "page", "section", "start", "end", "score"} <= set(meta)
    text = fake_service.snapshot.documents[meta["document_id"]].text
    assert text[meta["start"]:meta["end"]] == docs[0].page_content
