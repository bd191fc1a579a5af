"""Hostile and broken input: each bad file is skipped with a reason naming it, the batch goes on,
and the index is unchanged by it (fake embedder, fast)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from api.service import Service
from index.settings import IngestSettings
from tests.conftest import FakeEmbedder, fake_settings

GOOD = ("THÔNG BÁO HỘI NGHỊ THỬ\n\nHội nghị thống nhất mục tiêu tăng trưởng kinh tế năm 2025 "
        "đạt 8%, tập trung giải ngân vốn đầu tư công.\n")
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed, tone marks as combining characters."""
    out = b""
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONES))
        out += (base + "".join(c for c in d if c in TONES)).encode("cp1258")
    return out


def _zip_bomb(path: Path, inflated_mb: int) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (inflated_mb * 1_000_000))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "cp1258.txt").write_bytes(cp1258(GOOD.replace("THỬ", "BA")))
    (folder / "invisible.txt").write_text(
        GOOD.replace("THỬ", "HAI").replace("tăng", "t\u200bă\u202eng"), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.pdf").write_bytes(bytes(range(256)) * 40)
    (folder / "garbage.docx").write_bytes(b"PK\x03\x04 not a zip at all" * 10)
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    tcvn3 = "Héi nghÞ lÇn thø 31 Ban ChÊp hµnh §¶ng bé Thµnh phè"  # how TCVN3 bytes look as Latin-1
    (folder / "tcvn3.txt").write_bytes(tcvn3.encode("latin-1"))
    (folder / "big.txt").write_text(GOOD * 2000, encoding="utf-8")
    _zip_bomb(folder / "bomb.docx", inflated_mb=5)
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 Word 97-2003")
    (folder / "sub").mkdir()
    (folder / "sub" / "sheet.xlsx").write_bytes(b"PK not read")
    (folder / ".hidden.doc").write_bytes(b"editor lock file")
    return folder


def test_bad_files_are_skipped_by_name_and_the_batch_goes_on(batch: Path, tmp_path: Path) -> None:
    settings = replace(fake_settings(tmp_path / "index"),
                       ingest=IngestSettings(max_file_mb=0.1, max_unzipped_mb=1))
    service = Service(settings, FakeEmbedder())
    report = service.ingest([batch])
    added = sorted(Path(s).name for s, _, _ in report.added)
    assert added == ["cp1258.txt", "good.txt", "invisible.txt"]
    reasons = {Path(s).name: r for s, r in report.skipped}
    assert set(reasons) == {"empty.txt", "garbage.pdf", "garbage.docx", "truncated.pdf", "tcvn3.txt",
                            "big.txt", "bomb.docx"}
    assert "empty" in reasons["empty.txt"]
    assert "PDF" in reasons["garbage.pdf"] and "PDF" in reasons["truncated.pdf"]
    assert ".docx" in reasons["garbage.docx"]
    assert "VNI or TCVN3" in reasons["tcvn3.txt"]
    assert "limit is 0.1 MB" in reasons["big.txt"]
    assert "zip bomb" in reasons["bomb.docx"]
    # Files no reader takes are named, not read; hidden files are neither.
    assert [Path(p).name for p in report.passed_over] == ["old.doc", "sheet.xlsx"]

    texts = {Path(d.source).name: d.text for d in service.documents()}
    assert "Hội nghị thống nhất mục tiêu tăng trưởng" in texts["cp1258.txt"]  # converted
    assert "\u200b" not in texts["invisible.txt"] and "\u202e" not in texts["invisible.txt"]


def test_a_batch_of_only_bad_files_changes_nothing(batch: Path, tmp_path: Path) -> None:
    service = Service(fake_settings(tmp_path / "index"), FakeEmbedder())
    service.ingest([batch / "good.txt"])
    current = service.store.root / "CURRENT"
    before = current.read_text()
    report = service.ingest([batch / "empty.txt", batch / "garbage.pdf", batch / "tcvn3.txt"])
    assert not report.added and len(report.skipped) == 3
    assert current.read_text() == before  # no new snapshot was written


@pytest.mark.parametrize("noise", ["\u200b", "\u202e", "\u2066", "\ufeff", "\u00ad"])
def test_invisible_and_bidi_characters_in_questions_change_nothing(fake_service: Service, noise: str) -> None:
    question = "Chỉ số sản xuất công nghiệp năm 2023 tăng bao nhiêu?"
    dirty = question.replace("công", f"cô{noise}ng").replace("2023", f"{noise}2023")
    assert fake_service.ask(dirty).short_answer == fake_service.ask(question).short_answer == "4,6%"


def _encrypted_pdf(path: Path, password: str) -> Path:
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    plain = path.with_suffix(".plain.pdf")
    pdf = canvas.Canvas(str(plain))
    pdf.drawString(60, 780, "Hoi nghi lan thu 5 thong nhat muc tieu tang truong 8 phan tram nam 2025.")
    pdf.showPage()
    pdf.save()
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(password)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_encrypted_pdfs_open_with_the_password_option_only(tmp_path: Path) -> None:
    locked = _encrypted_pdf(tmp_path / "mat.pdf", "hoinghi")
    without = Service(fake_settings(tmp_path / "a"), FakeEmbedder()).ingest([locked])
    assert "encrypted (no password given)" in without.skipped[0][1]
    wrong = replace(fake_settings(tmp_path / "b"), ingest=IngestSettings(pdf_passwords=("nope",)))
    assert "did not open it" in Service(wrong, FakeEmbedder()).ingest([locked]).skipped[0][1]
    passwords = IngestSettings(pdf_passwords=("nope", "hoinghi"))
    right = replace(fake_settings(tmp_path / "c"), ingest=passwords)
    service = Service(right, FakeEmbedder())
    assert len(service.ingest([locked]).added) == 1
    assert "tang truong 8 phan tram" in service.documents()[0].text


def test_a_file_that_is_not_a_conference_record_is_indexed_with_a_warning(tmp_path: Path) -> None:
    recipe = tmp_path / "pho-bo.txt"
    recipe.write_text("Cách nấu phở bò\n\nNinh xương bò trong sáu giờ, thêm quế, hồi và gừng nướng. "
                      "Chần bánh phở, xếp thịt bò tái lên trên và chan nước dùng thật nóng.\n",
                      encoding="utf-8")
    record = tmp_path / "thong-bao.txt"
    record.write_text(GOOD.replace("THỬ", "LẦN THỨ 7"), encoding="utf-8")
    report = Service(fake_settings(tmp_path / "index"), FakeEmbedder()).ingest([recipe, record])
    assert len(report.added) == 2
    assert [Path(s).name for s, _ in report.warnings] == ["pho-bo.txt"]
    assert "does not look like a conference record" in report.warnings[0][1]
