"""Readers: a file on disk becomes its raw page texts. One function per format."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.errors import IngestError, UnsupportedFormatError
from ingest import ocr

log = logging.getLogger(__name__)

# A page with fewer letters than this in its text layer is treated as scanned.
_MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class RawDocument:
    """Raw text per page as the file gave it, before any cleaning."""

    path: Path
    data: bytes
    pages: tuple[str, ...]


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            break
        return text
    raise IngestError(
        "not UTF-8 text", path=str(path),
        remedy="save the file as UTF-8 (legacy Vietnamese encodings are not read yet)",
    )


def read_text(path: Path, data: bytes) -> tuple[str, ...]:
    """Plain text and Markdown; form feeds separate pages."""
    return tuple(_decode(path, data).split("\f"))


def read_docx(path: Path, data: bytes) -> tuple[str, ...]:
    """Word documents: paragraphs and table cells in order, as one page."""
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError("not a readable .docx file", path=str(path),
                          remedy="open and re-save it in Word or LibreOffice") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return ("\n".join(lines),)


def read_pdf(path: Path, data: bytes) -> tuple[str, ...]:
    """PDFs, one string per page: the text layer where there is one, OCR for pages without."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError("the PDF is encrypted", path=str(path),
                              remedy="decrypt it first (e.g. `qpdf --decrypt`)")
        pages = tuple(page.extract_text() or "" for page in reader.pages)
    except PdfReadError as exc:
        raise IngestError(f"not a readable PDF ({exc})", path=str(path),
                          remedy="check the file is complete; re-export it") from exc
    scanned = [i + 1 for i, text in enumerate(pages)
               if sum(ch.isalpha() for ch in text) < _MIN_TEXT_CHARS]
    if not scanned:
        return pages
    log.info("%s: %d of %d pages have no text layer: OCR", path.name, len(scanned), len(pages))
    read = ocr.ocr_pdf_pages(path, data, scanned)
    pages = tuple(read.get(i + 1, text) for i, text in enumerate(pages))
    if not any(p.strip() for p in pages):
        raise IngestError("no text found: no text layer, and OCR read nothing", path=str(path),
                          remedy="check that the scan holds text; rescan at 300 dpi or better")
    return pages


READERS: dict[str, Callable[[Path, bytes], tuple[str, ...]]] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".png": ocr.read_image,
    ".jpg": ocr.read_image,
    ".jpeg": ocr.read_image,
    ".tif": ocr.read_image,
    ".tiff": ocr.read_image,
}


def read_file(path: Path) -> RawDocument:
    """Read one file by its extension; errors name the file and the remedy."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormatError(
            f"unsupported file type {path.suffix or '(none)'}", path=str(path),
            remedy=f"supported: {', '.join(sorted(READERS))}",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    if not data.strip():
        raise IngestError("empty file", path=str(path))
    return RawDocument(path=path, data=data, pages=reader(path, data))


def find_files(paths: list[Path]) -> list[Path]:
    """Expand directories recursively into readable files, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in READERS
                                and not p.name.startswith(".")))
        else:
            found.append(path)
    return found
