"""Readers: a file on disk becomes its raw page texts. One function per format."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from index.errors import IngestError, UnsupportedFormatError
from index.settings import IngestSettings
from index.text import VI_MARKED_LETTERS, has_vietnamese_marks
from ingest import ocr

log = logging.getLogger(__name__)

_DEFAULT_LIMITS = IngestSettings()
# A page with fewer letters than this in its text layer is treated as scanned.
_MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class RawDocument:
    """Raw text per page as the file gave it, before any cleaning."""

    path: Path
    data: bytes
    pages: tuple[str, ...]
    ocr_pages: tuple[int, ...] = ()  # 1-based numbers of the pages read by OCR


class Pages(NamedTuple):
    """What a reader returns: text per page, and which pages (1-based) OCR read."""

    texts: tuple[str, ...]
    ocr: tuple[int, ...] = ()


_VI_WORD = re.compile(f"^[a-z{VI_MARKED_LETTERS}]+$")


def _vietnamese_share(text: str) -> float:
    """The share of words (with a non-ASCII letter) spelt only with Vietnamese letters."""
    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if not w.isascii()]
    return sum(bool(_VI_WORD.match(w)) for w in words) / len(words) if words else 0.0


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1258; VNI and TCVN3 (font
    encodings that reuse Latin-1 letters) are named and refused."""
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            break
        return text
    legacy = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if "\ufffd" not in legacy and has_vietnamese_marks(legacy) and _vietnamese_share(legacy) > 0.95:
        log.info("%s: read as Windows-1258", path)
        return legacy
    if _vietnamese_share(data.decode("latin-1")) < 0.5:
        raise IngestError(
            "not Unicode: legacy Vietnamese font encoding (VNI or TCVN3/ABC) or another code page",
            path=str(path),
            remedy="convert it to Unicode (e.g. UniKey's converter) and save as UTF-8; "
                   "Windows-1258 is read as is")
    raise IngestError("not UTF-8 text", path=str(path),
                      remedy="save the file as UTF-8 (Windows-1258 is also read)")


def read_text(path: Path, data: bytes, limits: IngestSettings = _DEFAULT_LIMITS) -> Pages:
    """Plain text and Markdown; form feeds separate pages (no limits beyond the file size)."""
    return Pages(tuple(_decode(path, data).split("\f")))


def read_docx(path: Path, data: bytes, limits: IngestSettings = _DEFAULT_LIMITS) -> Pages:
    """Word documents: paragraphs and table cells in order, as one page."""
    import io
    import zipfile

    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > limits.max_unzipped_mb * 1e6:
            raise IngestError(
                f"the .docx inflates to {inflated / 1e6:.0f} MB (a zip bomb?)", path=str(path),
                remedy=f"the limit is {limits.max_unzipped_mb:g} MB (IngestSettings.max_unzipped_mb)")
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError("not a readable .docx file", path=str(path),
                          remedy="open and re-save it in Word or LibreOffice") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return Pages(("\n".join(lines),))


def read_pdf(path: Path, data: bytes, limits: IngestSettings = _DEFAULT_LIMITS) -> Pages:
    """PDFs, one string per page: the text layer where there is one, OCR for pages without."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            opened = any(reader.decrypt(pw) for pw in limits.pdf_passwords)
            if not opened:
                tried = ("the given password(s) did not open it" if limits.pdf_passwords
                         else "no password given")
                raise IngestError(f"the PDF is encrypted ({tried})", path=str(path),
                                  remedy="pass --pdf-password (or HOINGHI_PDF_PASSWORD), "
                                         "or decrypt it first (e.g. `qpdf --decrypt`)")
        pages = tuple(page.extract_text() or "" for page in reader.pages)
    except PdfReadError as exc:
        raise IngestError(f"not a readable PDF ({exc})", path=str(path),
                          remedy="check the file is complete; re-export it") from exc
    scanned = [i + 1 for i, text in enumerate(pages)
               if sum(ch.isalpha() for ch in text) < _MIN_TEXT_CHARS]
    if not scanned:
        return Pages(pages)
    log.info("%s: %d of %d pages have no text layer: OCR", path.name, len(scanned), len(pages))
    read = ocr.ocr_pdf_pages(path, data, scanned)
    pages = tuple(read.get(i + 1, text) for i, text in enumerate(pages))
    if not any(p.strip() for p in pages):
        raise IngestError("no text found: no text layer, and OCR read nothing", path=str(path),
                          remedy="check that the scan holds text; rescan at 300 dpi or better")
    return Pages(pages, tuple(scanned))


def read_image(path: Path, data: bytes, limits: IngestSettings = _DEFAULT_LIMITS) -> Pages:
    """Scans as PNG, JPEG or (multi-page) TIFF: every page read by OCR."""
    texts = ocr.read_image(path, data, limits)
    return Pages(texts, tuple(range(1, len(texts) + 1)))


# Every reader takes the file's path, its bytes and the ingest limits.
READERS: dict[str, Callable[[Path, bytes, IngestSettings], Pages]] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,
    ".tif": read_image,
    ".tiff": read_image,
}


def read_file(path: Path, limits: IngestSettings = _DEFAULT_LIMITS) -> RawDocument:
    """Read one file by its extension; errors name the file and the remedy."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormatError(
            f"unsupported file type {path.suffix or '(none)'}", path=str(path),
            remedy=f"supported: {', '.join(sorted(READERS))}",
        )
    try:
        size = path.stat().st_size
        if size > limits.max_file_mb * 1e6:
            raise IngestError(f"the file is {size / 1e6:.0f} MB", path=str(path),
                              remedy=f"the limit is {limits.max_file_mb:g} MB (IngestSettings.max_file_mb)")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror})", path=str(path)) from exc
    if not data.strip():
        raise IngestError("empty file", path=str(path))
    pages = reader(path, data, limits)
    return RawDocument(path=path, data=data, pages=pages.texts, ocr_pages=pages.ocr)


def walk(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The files to read, directories expanded recursively in a stable order, and the files of
    those directories that no reader takes (``.doc``, ``.xlsx``…): not read, but named in the
    report so that a folder's old Word files do not vanish without a word. One walk for both."""
    found: list[Path] = []
    passed: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for p in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            (found if p.suffix.lower() in READERS else passed).append(p)
    return found, passed


def find_files(paths: list[Path]) -> list[Path]:
    """Expand directories recursively into readable files, in a stable order."""
    return walk(paths)[0]
