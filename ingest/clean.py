"""Cleaning: raw page texts become one NFC text of paragraphs, with page and paragraph spans.

What the real corpus needs: NFC (a press release mixes NFD words), docx export artifacts such as
``[bookmark: _GoBack]``, OCR hard line wraps joined into paragraphs, page-number lines dropped,
footnote superscripts removed. Wording is never changed, so citations quote the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import nfc
from index.types import PageSpan

_ARTIFACT = re.compile(r"\[(?:bookmark|image|comment)[^\]]*\]", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
_FOOTNOTE_MARK = re.compile("(?<=\\S)[\u00b9\u00b2\u00b3\u2070-\u2079]+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^(?:trang|page)\s+\d+(?:\s*/\s*\d+)?$",
                          re.IGNORECASE)
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[IVXLC]{1,6}\.)\s+\S")
_TERMINAL = tuple(".!?:;…\"”)")
PARAGRAPH_SEPARATOR = "\n"


@dataclass(frozen=True)
class Cleaned:
    text: str
    pages: tuple[PageSpan, ...]
    paragraphs: tuple[tuple[int, int], ...]


def clean_line(line: str) -> str:
    line = _ARTIFACT.sub("", nfc(line))
    line = _INVISIBLE.sub("", line)
    line = _FOOTNOTE_MARK.sub("", line)
    return _SPACES.sub(" ", line).strip()


def is_caps(line: str) -> bool:
    """Mostly upper-case letters: a heading or title line."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.7


def is_numbered(line: str) -> bool:
    return _NUMBERED.match(line) is not None


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def _starts_lower(line: str) -> bool:
    return next((ch for ch in line if ch.isalpha()), "").islower()


def _is_heading_line(line: str, wrap_width: int) -> bool:
    """A numbered line well short of the page's line width, not ending mid-clause."""
    return is_numbered(line) and len(line) < 0.75 * wrap_width and not line.endswith(",")


def _new_paragraph(current: list[str], line: str, blank_separated: bool, wrap_width: int) -> bool:
    """Does ``line`` start a paragraph, given the lines gathered so far in its block?"""
    prev = current[-1]
    if is_numbered(line) or is_caps(line) != is_caps(prev):
        return True
    if len(current) == 1 and _is_heading_line(prev, wrap_width) and not _starts_lower(line):
        return True
    if blank_separated:
        return False
    if _ends_sentence(prev):
        return True
    # A line that runs to the page's width and stops mid-sentence was wrapped, whatever case the
    # next line starts with (names: "Pro\nBowl", "Hồ\nChí Minh").
    return len(prev) < 0.85 * wrap_width and not _starts_lower(line)


def _continues(previous: str, line: str, after_page_number: bool, wrap_width: int) -> bool:
    """After a blank line: is ``line`` the rest of ``previous`` (cut by a page break)?"""
    if _ends_sentence(previous) or is_caps(previous) or _is_heading_line(previous, wrap_width):
        return False
    return not is_numbered(line) and (after_page_number or _starts_lower(line))


def _page_paragraphs(raw: str, blank_separated: bool) -> list[str]:
    """Paragraphs of one page, hard-wrapped lines joined."""
    paras: list[str] = []
    current: list[str] = []
    after_page_number = False
    lines = [clean_line(ln) for ln in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lengths = sorted(len(ln) for ln in lines if ln)
    wrap_width = lengths[int(len(lengths) * 0.75)] if lengths else 80
    for line in lines:
        if _PAGE_NUMBER.match(line):
            after_page_number = True
            line = ""
        if not line:
            if current:
                paras.append(" ".join(current))
                current = []
            continue
        if current and _new_paragraph(current, line, blank_separated, wrap_width):
            paras.append(" ".join(current))
            current = []
        if not current and paras and _continues(paras[-1], line, after_page_number, wrap_width):
            current = [paras.pop()]  # a paragraph interrupted by a page break
        after_page_number = False
        current.append(line)
    if current:
        paras.append(" ".join(current))
    return paras


def _blank_separated(pages: tuple[str, ...]) -> bool:
    lines = [ln.strip() for page in pages for ln in page.splitlines()]
    blank = sum(1 for ln in lines if not ln)
    return blank >= 0.15 * max(1, len(lines) - blank)


def clean_pages(pages: tuple[str, ...]) -> Cleaned:
    """Clean every page and join them; a paragraph cut by a page break is rejoined."""
    blank_separated = _blank_separated(pages)
    parts: list[str] = []  # paragraphs of the output text
    page_starts: list[tuple[int, int]] = []  # (page number, offset where it starts)
    paragraph_spans: list[tuple[int, int]] = []
    offset = 0
    for number, raw in enumerate(pages, start=1):
        page_paras = _page_paragraphs(raw, blank_separated)
        if not page_paras:
            continue
        first = page_paras[0]
        continues = (parts and not _ends_sentence(parts[-1]) and not is_caps(parts[-1])
                     and not is_numbered(first) and first[:1].islower())
        if continues:
            start, _ = paragraph_spans.pop()
            page_starts.append((number, offset + 1))
            parts[-1] = parts[-1] + " " + first
            offset += 1 + len(first)
            paragraph_spans.append((start, offset))
            page_paras = page_paras[1:]
        else:
            page_starts.append((number, offset + (len(PARAGRAPH_SEPARATOR) if parts else 0)))
        for para in page_paras:
            if parts:
                offset += len(PARAGRAPH_SEPARATOR)
            parts.append(para)
            paragraph_spans.append((offset, offset + len(para)))
            offset += len(para)
    text = PARAGRAPH_SEPARATOR.join(parts)
    spans = []
    for i, (number, start) in enumerate(page_starts):
        end = page_starts[i + 1][1] if i + 1 < len(page_starts) else len(text)
        spans.append(PageSpan(number, 0 if i == 0 else start, end))
    return Cleaned(text=text, pages=tuple(spans), paragraphs=tuple(paragraph_spans))
