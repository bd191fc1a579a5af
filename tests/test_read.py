"""Readers: DOCX and text-layer PDF made by the tests themselves; scanned PDFs are named."""

from pathlib import Path

import pytest

from index.errors import IngestError, UnsupportedFormatError
from ingest.clean import clean_pages
from ingest.read import read_file

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SENTENCES = [
    "Hội nghị lần thứ 31 Ban Chấp hành Đảng bộ Thành phố khóa XI.",
    "Mức tăng trưởng GRDP chỉ đạt 6,46%, so với mục tiêu đề ra là 7,5 - 8%.",
    "Phấn đấu giải ngân vốn đầu tư công trên 95% kế hoạch.",
]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for s in SENTENCES:
        document.add_paragraph(s)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Chỉ tiêu"
    table.rows[0].cells[1].text = "7,5 - 8%"
    path = tmp_path / "thong-cao.docx"
    document.save(str(path))
    text = clean_pages(read_file(path).pages).text
    for s in SENTENCES:
        assert s in text
    assert "Chỉ tiêu | 7,5 - 8%" in text


@pytest.mark.skipif(not FONT.exists(), reason="needs fonts-dejavu-core (installed by .ci/run)")
def test_pdf_text_layer_keeps_pages_and_words(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    path = tmp_path / "thong-cao.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, sentence in enumerate(SENTENCES, start=1):
        pdf.setFont("DejaVu", 11)
        pdf.drawString(60, 780, sentence)
        pdf.drawString(290, 40, str(number))  # a printed page number
        pdf.showPage()
    pdf.save()
    raw = read_file(path)
    cleaned = clean_pages(raw.pages)
    assert [p.number for p in cleaned.pages] == [1, 2, 3]
    for page, sentence in zip(cleaned.pages, SENTENCES, strict=True):
        # pypdf must not split Vietnamese words ("Đả ng"): the sentence survives whole
        assert cleaned.text[page.start:page.end].strip() == sentence


def _blank_scan(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)  # an image-like page with no text layer
    pdf.showPage()
    pdf.save()
    return path


def test_scanned_pdf_without_tesseract_names_the_remedy(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import ocr

    monkeypatch.setattr(ocr, "_languages", lambda: frozenset())
    path = _blank_scan(tmp_path / "scan.pdf")
    with pytest.raises(IngestError, match="needs OCR") as info:
        read_file(path)
    assert info.value.path == str(path) and "tesseract-ocr-vie" in (info.value.remedy or "")


def test_unsupported_and_encrypted(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(UnsupportedFormatError, match=r"supported: \.docx, \.jpeg, \.jpg, \.md, \.pdf"):
        read_file(tmp_path / "x.xlsx")
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    with (tmp_path / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    with pytest.raises(IngestError, match="encrypted"):
        read_file(tmp_path / "locked.pdf")
