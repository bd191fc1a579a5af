"""Structure: which paragraphs are title and headings, each paragraph's section path, metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import fold
from index.types import DocumentMeta
from ingest.clean import Cleaned, is_caps, is_numbered

_ROMAN = re.compile(r"^[IVXLC]{1,6}\.\s")
_ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.\s")
_CONFERENCE = re.compile(r"\blan thu (\d{1,3})\b")
# A question names a conference by its number: "Hội nghị (Ban Chấp hành…) lần thứ 24", "the 24th
# (Party Committee) conference" (folded).
_CONFERENCE_ASKED = (
    re.compile(r"\bhoi nghi\b[^?!.;]{0,80}?\blan thu (\d{1,3})\b"),
    re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)(?:\s+[a-z-]+){0,4}?\s+(?:conference|plenum|plenary|meeting)\b"),
)
_TERM = re.compile(r"\bkhoa ([ivxlc]{1,6})\b")
_DATE = re.compile(r"\bngay (\d{1,2})(?: (?:den|va) ngay (\d{1,2}))? thang (\d{1,2}) nam (\d{4})\b")
_KINDS = ("thong cao bao chi", "thong bao nhanh", "thong bao ket luan", "thong bao",
          "nghi quyet", "bao cao", "ket luan")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    heading_level: int  # 0 for body text
    section: tuple[str, ...]  # headings above this paragraph (its own, for a heading)


def heading_level(text: str) -> int:
    """0 for body text, else the heading depth: I. = 1, 1. = 2, 1.1. = 3, an all-caps line = 1."""
    if len(text) > 200:
        return 0
    if is_numbered(text):
        if len(text) > 100 and text.rstrip().endswith((".", ";", ":")):
            return 0
        if _ROMAN.match(text):
            return 1
        match = _ARABIC.match(text)
        return 1 + match.group(1).count(".") + 1 if match else 0
    return 1 if is_caps(text) else 0


def _title_count(cleaned: Cleaned) -> int:
    """Leading short paragraphs that form the title block."""
    count = 0
    for start, end in cleaned.paragraphs[:5]:
        text = cleaned.text[start:end]
        if len(text) > 200 or is_numbered(text) or text.endswith((".", ":")):
            break
        count += 1
    return count


def paragraphs(cleaned: Cleaned) -> list[Paragraph]:
    """Every paragraph with its heading level and section path."""
    title_count = _title_count(cleaned)
    stack: list[tuple[int, str]] = []
    out = []
    for i, (start, end) in enumerate(cleaned.paragraphs):
        text = cleaned.text[start:end]
        level = 0 if i < title_count else heading_level(text)
        if level:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
        out.append(Paragraph(start, end, level, tuple(t for _, t in stack)))
    return out


def _iso_dates(folded: str) -> tuple[str, ...]:
    dates: list[str] = []
    for day1, day2, month, year in _DATE.findall(folded):
        for day in (day1, day2):
            if day and 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
                iso = f"{year}-{int(month):02d}-{int(day):02d}"
                if iso not in dates:
                    dates.append(iso)
    return tuple(dates)


def metadata(cleaned: Cleaned) -> DocumentMeta:
    """Title, conference number, term, dates and kind, read from the opening of the text."""
    n = _title_count(cleaned)
    title_parts = [cleaned.text[s:e] for s, e in cleaned.paragraphs[:n]
                   if any(ch.isalpha() for ch in cleaned.text[s:e])]
    title = " — ".join(title_parts)
    body = [cleaned.text[s:e] for s, e in cleaned.paragraphs[n:] if e - s > 200]
    opening = fold(body[0] if body else cleaned.text[:2000])
    folded_title = fold(title)
    conference = _CONFERENCE.search(folded_title) or _CONFERENCE.search(opening)
    term = _TERM.search(folded_title) or _TERM.search(opening)
    kind = next((k for k in _KINDS if folded_title.startswith(k)), None)
    return DocumentMeta(
        title=title,
        conference_number=int(conference.group(1)) if conference else None,
        term=term.group(1).upper() if term else None,
        dates=_iso_dates(opening),
        kind=kind,
    )


def conferences_named(question: str) -> set[int]:
    """The conference numbers a question names ("Hội nghị lần thứ 24…", "the 31st conference")."""
    folded = fold(question)
    return {int(m.group(1)) for pattern in _CONFERENCE_ASKED for m in pattern.finditer(folded)}
