"""The published JSON contract of the HTTP API (and of `hoinghi ask/search --json`).

Field names and meanings are stable; new optional fields may be added, none removed or renamed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from api.answer import Answer, Citation
from index.types import Document, Hit, Passage

MAX_QUESTION_CHARS = 1000
# At least one digit or Latin letter (Vietnamese included): punctuation alone is not a question.
HAS_WORD = "[0-9A-Za-z\u00C0-\u024F\u1E00-\u1EFF]"


class ErrorResponse(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "malformed request body"},
    401: {"model": ErrorResponse, "description": "the server's API key is required"},
    404: {"model": ErrorResponse, "description": "unknown document id"},
    413: {"model": ErrorResponse, "description": "request body over the limit"},
    500: {"model": ErrorResponse, "description": "internal error (no details are exposed)"},
    503: {"model": ErrorResponse, "description": "nothing indexed yet; the message names the remedy"},
}


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=HAS_WORD,
                          examples=["Mục tiêu tăng trưởng GRDP năm 2024 là bao nhiêu?"])
    top_k: int = Field(default=5, ge=1, le=20, description="passages the answer is chosen from")
    document_ids: list[str] | None = Field(default=None, description="restrict to these documents")

    @field_validator("question")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class CitationOut(BaseModel):
    n: int
    document_id: str
    title: str
    source: str = Field(description="the document's file name")
    page: int
    section: str
    text: str = Field(description="the cited passage")
    sentence: str = Field(description="the supporting sentence, verbatim")
    start: int = Field(description="offset of the sentence in the document's cleaned text")
    end: int
    score: float
    passage_start: int = Field(description="offset of the cited passage in the document's text")
    passage_end: int


class AskResponse(BaseModel):
    question: str
    answer: str
    short_answer: str | None
    found: bool
    language: str
    citations: list[CitationOut]
    elapsed_ms: float
    mode: str = Field(default="extractive", description="extractive or generative")
    notice: str | None = Field(default=None, description="why a generative answer was not used")


class HitOut(BaseModel):
    document_id: str
    title: str
    source: str
    page: int
    section: str
    text: str
    start: int
    end: int
    score: float


class SearchResponse(BaseModel):
    query: str
    hits: list[HitOut]


class DocumentSummary(BaseModel):
    id: str
    name: str
    title: str
    source: str
    conference_number: int | None
    term: str | None
    dates: list[str]
    kind: str | None
    passages: int
    ocr_pages: list[int] = Field(default_factory=list,
                                 description="pages read by OCR; searched with misread diacritics corrected")


class PassageOut(BaseModel):
    id: str
    text: str
    start: int
    end: int
    page: int
    section: str


class DocumentDetail(BaseModel):
    document: DocumentSummary
    text: str = Field(description="the cleaned text that offsets refer to")
    passages: list[PassageOut]


class IngestSkip(BaseModel):
    source: str
    reason: str


class IngestResponse(BaseModel):
    added: list[DocumentSummary]
    unchanged: list[str]
    skipped: list[IngestSkip]
    warnings: list[IngestSkip] = Field(default_factory=list, description="indexed, with a note")


def file_name(source: str) -> str:
    return Path(source).name


def citation_out(c: Citation) -> CitationOut:
    p = c.hit.passage
    return CitationOut(n=c.n, document_id=p.document_id, title=c.document.meta.title,
                       source=file_name(c.document.source), page=c.document.page_at(c.start),
                       section=" > ".join(p.section), text=p.text, sentence=c.sentence,
                       start=c.start, end=c.end, score=c.score, passage_start=p.start,
                       passage_end=p.end)


def ask_response(answer: Answer, elapsed_ms: float) -> AskResponse:
    return AskResponse(question=answer.question, answer=answer.answer,
                       short_answer=answer.short_answer, found=answer.found,
                       language=answer.language, citations=[citation_out(c) for c in answer.citations],
                       elapsed_ms=round(elapsed_ms, 1), mode=answer.mode, notice=answer.notice)


def hit_out(hit: Hit, document: Document) -> HitOut:
    p = hit.passage
    return HitOut(document_id=p.document_id, title=document.meta.title,
                  source=file_name(document.source), page=p.page, section=" > ".join(p.section),
                  text=p.text, start=p.start, end=p.end, score=round(hit.score, 4))


def document_summary(document: Document, passages: int) -> DocumentSummary:
    m = document.meta
    return DocumentSummary(id=document.id, name=document.name, title=m.title,
                           source=file_name(document.source), conference_number=m.conference_number,
                           term=m.term, dates=list(m.dates), kind=m.kind, passages=passages,
                           ocr_pages=list(document.ocr_pages))


def passage_out(p: Passage) -> PassageOut:
    return PassageOut(id=p.id, text=p.text, start=p.start, end=p.end, page=p.page,
                      section=" > ".join(p.section))
