"""OCR for pages without a text layer and for images: Tesseract's Vietnamese model.

Needs the Debian packages ``tesseract-ocr`` and ``tesseract-ocr-vie`` (``scripts/setup.sh``
installs them). PDF pages are rendered with pypdfium2 at ``DPI`` and read one by one.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from index.errors import IngestError
from index.settings import IngestSettings

log = logging.getLogger(__name__)

LANGUAGE = "vie"
DPI = 300
_REMEDY = "install Tesseract with its Vietnamese model: apt-get install tesseract-ocr tesseract-ocr-vie"


def _languages() -> frozenset[str]:
    """Tesseract's installed languages, asked once per file needing OCR (a ~20 ms subprocess
    beside seconds of OCR per page; no process-wide cache)."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        return frozenset()


def check_available(path: Path) -> None:
    """Raise an error naming the file and the remedy when Tesseract or its Vietnamese model is missing."""
    languages = _languages()
    if not languages:
        raise IngestError("needs OCR but Tesseract is not installed", path=str(path), remedy=_REMEDY)
    if LANGUAGE not in languages:
        raise IngestError("needs OCR but Tesseract has no Vietnamese model", path=str(path), remedy=_REMEDY)


def ocr_image(image: Any) -> str:
    """The text Tesseract reads on one page image (automatic page segmentation)."""
    import pytesseract

    return str(pytesseract.image_to_string(image, lang=LANGUAGE, config="--psm 3"))


def pdf_page_images(data: bytes, numbers: Sequence[int], dpi: int = DPI) -> Iterator[tuple[int, Any]]:
    """(1-based page number, PIL image) for the given pages of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            page = document[number - 1]
            yield number, page.render(scale=dpi / 72).to_pil()
            page.close()
    finally:
        document.close()


def ocr_pdf_pages(path: Path, data: bytes, numbers: Sequence[int]) -> dict[int, str]:
    """OCR the given pages of a PDF, page by page (logged), keyed by page number."""
    check_available(path)
    out = {}
    for i, (number, image) in enumerate(pdf_page_images(data, numbers), start=1):
        log.info("%s: OCR page %d (%d of %d)", path.name, number, i, len(numbers))
        out[number] = ocr_image(image)
    return out


def read_image(path: Path, data: bytes, limits: IngestSettings | None = None) -> tuple[str, ...]:
    """A scanned page as PNG/JPEG, or several as a multi-page TIFF: one text per frame (no limits
    beyond the file size, checked by the caller)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    check_available(path)
    try:
        image = Image.open(io.BytesIO(data))
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError) as exc:
        raise IngestError(f"not a readable image ({exc})", path=str(path),
                          remedy="re-export it as PNG, JPEG or TIFF") from exc
    pages = []
    for number, frame in enumerate(frames, start=1):
        log.info("%s: OCR page %d of %d", path.name, number, len(frames))
        pages.append(ocr_image(frame.convert("RGB")))
    if not any(p.strip() for p in pages):
        raise IngestError("no text found: OCR read nothing in the image", path=str(path),
                          remedy="check that the scan holds text; rescan at 300 dpi or better")
    return tuple(pages)
