"""Typed records passed between stages: documents, passages, search hits."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def content_id(*parts: object, length: int = 16) -> str:
    """A deterministic id: the hex sha256 of the parts joined by NUL, shortened."""
    h = hashlib.sha256("\x00".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


@dataclass(frozen=True)
class PageSpan:
    """Page ``number`` (1-based) covers ``text[start:end]`` of the cleaned document text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class DocumentMeta:
    """What a communiqué says about itself."""

    title: str = ""
    conference_number: int | None = None
    term: str | None = None
    dates: tuple[str, ...] = ()
    kind: str | None = None


@dataclass(frozen=True)
class Document:
    """A cleaned document. ``id`` is a hash of the source file's bytes."""

    id: str
    name: str
    source: str
    sha256: str
    text: str
    pages: tuple[PageSpan, ...]
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    ocr_pages: tuple[int, ...] = ()  # pages read by OCR (scans), 1-based

    def page_at(self, offset: int) -> int:
        """The page holding character ``offset`` of the cleaned text."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        meta = dict(data.get("meta") or {})
        meta["dates"] = tuple(meta.get("dates") or ())
        return cls(
            id=data["id"],
            name=data["name"],
            source=data["source"],
            sha256=data["sha256"],
            text=data["text"],
            pages=tuple(PageSpan(**p) for p in data["pages"]),
            meta=DocumentMeta(**meta),
            ocr_pages=tuple(data.get("ocr_pages") or ()),
        )


@dataclass(frozen=True)
class Passage:
    """A span ``[start, end)`` of a document's cleaned text; ``text == document.text[start:end]``."""

    id: str
    document_id: str
    text: str
    start: int
    end: int
    page: int
    section: tuple[str, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()  # sentence spans, document offsets
    # ``embed_text`` with OCR diacritic misreadings corrected (same length), when any were found.
    search_text: str | None = None

    @property
    def written_embed_text(self) -> str:
        """The nearest heading above the passage that its text does not hold, then its text, as
        written. Only the nearest: the whole heading path cost the bundled corpus 15% more tokens
        to embed and retrieved no better (README "Speed")."""
        context = [h for h in self.section if h not in self.text]
        return context[-1] + "\n" + self.text if context else self.text

    @property
    def embed_text(self) -> str:
        """What the models and BM25 see: the written embed text, or its corrected form."""
        return self.search_text if self.search_text is not None else self.written_embed_text

    @property
    def search_body(self) -> str:
        """``text`` as searched (corrected when ``search_text`` is set): same length and offsets."""
        if self.search_text is None:
            return self.text
        return self.search_text[len(self.search_text) - len(self.text):]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(**{**data, "section": tuple(data.get("section") or ()),
                      "sentences": tuple(tuple(s) for s in data.get("sentences") or ())})

    def sentence_texts(self) -> list[str]:
        """Each sentence span as searched (``search_body``: corrected when OCR misread it)."""
        body = self.search_body
        return [body[s - self.start : e - self.start] for s, e in self.sentences]


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the scores it came from."""

    passage: Passage
    score: float  # what the hits are ordered by: fused, or re-ranked by token states
    dense_score: float | None = None
    lexical_score: float | None = None
    sentence_scores: tuple[float, ...] = ()  # query cosine of each of ``passage.sentences``
    # Each sentence's cosine with an empty question, less the index's mean of it: how much the
    # sentence looks like an answer to any question (what the answer's support discounts).
    sentence_generic: tuple[float, ...] = ()
    fused_score: float | None = None  # dense + BM25 before re-ranking, when re-ranked
    token_score: float | None = None  # MaxSim of question and passage token states

    @property
    def fused(self) -> float:
        """The fused dense + BM25 score (the answer's support was calibrated on it)."""
        return self.score if self.fused_score is None else self.fused_score
