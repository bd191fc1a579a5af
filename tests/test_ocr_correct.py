"""OCR diacritic correction for search: the model, the decision which documents get it, and the
ingest that keeps citations on the written text (fake embedder: fast)."""

from dataclasses import replace
from pathlib import Path

import pytest

from api.service import Service
from index.diacritics import DiacriticModel, misread_rate
from index.errors import ConfigError
from index.settings import Settings
from tests.conftest import CORPUS, FakeEmbedder

OCR_DOC = CORPUS / "hoi-nghi-lan-thu-24-khoa-xi-2023-12-ocr.txt"
CLEAN_DOC = CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt"


def _clean_model() -> DiacriticModel:
    return DiacriticModel([CLEAN_DOC.read_text(encoding="utf-8")])


def test_misread_marks_are_corrected_in_context_and_lengths_kept() -> None:
    model = _clean_model()
    noisy = "Ban Chấp hành Đẳng bộ thành phổ thảo luận cùa Hộỉ nghị về kết quà năm 2023."
    fixed = model.correct(noisy)
    assert fixed == "Ban Chấp hành Đảng bộ thành phố thảo luận của Hội nghị về kết quả năm 2023."
    assert len(fixed) == len(noisy)
    assert model.correct("ĐẲNG BỘ THÀNH PHỔ") == "ĐẢNG BỘ THÀNH PHỐ"  # case kept


def test_correct_text_numbers_and_unknown_words_are_kept() -> None:
    model = _clean_model()
    clean = "Hội nghị thống nhất mục tiêu tăng trưởng GRDP năm 2024 đạt 7,5 - 8%; xyzzy ASOCIO."
    assert model.correct(clean) == clean
    assert model.correct("") == ""


def test_the_ocr_communique_shows_ocr_misreadings_and_the_clean_one_does_not() -> None:
    assert misread_rate(OCR_DOC.read_text(encoding="utf-8")) >= Settings().ingest.misread_rate
    assert misread_rate(CLEAN_DOC.read_text(encoding="utf-8")) == 0.0
    assert misread_rate("Hộỉ nghị") == 0.5


def test_scanned_pages_count_as_ocr_output_even_without_misreadings() -> None:
    from index.types import Document
    from ingest.correct import looks_ocr

    text = CLEAN_DOC.read_text(encoding="utf-8")
    settings = Settings().ingest
    typed = Document(id="a", name="a", source="a.pdf", sha256="0", text=text, pages=())
    scanned = replace(typed, ocr_pages=(1, 2))
    assert not looks_ocr(typed, settings) and looks_ocr(scanned, settings)
    assert Document.from_dict(scanned.to_dict()) == scanned


def _ingest(tmp_path: Path, mode: str) -> Service:
    settings = replace(Settings(), index_dir=tmp_path / mode)
    settings = replace(settings, ingest=replace(settings.ingest, correct_ocr=mode))
    service = Service(settings, FakeEmbedder())
    report = service.ingest([CORPUS])  # the OCR file comes first: the clean one is read before
    assert len(report.added) == 2
    return service


def documents_text(service: Service, document_id: str) -> str:
    return next(d.text for d in service.documents() if d.id == document_id)


def test_ingest_corrects_the_ocr_document_for_search_and_cites_what_is_written(tmp_path: Path) -> None:
    service = _ingest(tmp_path, "auto")
    documents = {d.name: d for d in service.documents()}
    ocr_id, clean_id = documents[OCR_DOC.stem].id, documents[CLEAN_DOC.stem].id
    passages = service.snapshot.passages
    corrected = [p for p in passages if p.search_text is not None]
    assert corrected and all(p.document_id == ocr_id for p in corrected)
    assert not any(p.search_text for p in passages if p.document_id == clean_id)
    for p in passages:
        assert documents_text(service, p.document_id)[p.start:p.end] == p.text
        assert len(p.embed_text) == len(p.written_embed_text)
    searched = " ".join(p.search_body for p in corrected)
    written = " ".join(p.text for p in corrected)
    assert written.count("thành phổ") > searched.count("thành phổ")
    assert searched.count("thành phố") > written.count("thành phố")
    # The title shown beside citations is corrected too ("ĐẲNG BỘ" is OCR's); the text is not.
    assert "ĐẲNG BỘ" in documents_text(service, ocr_id)
    assert "ĐẢNG BỘ" in documents[OCR_DOC.stem].meta.title
    assert "ĐẲNG" not in documents[OCR_DOC.stem].meta.title
    # The index reloads with the corrected text; the answer quotes the document as written.
    answer = service.ask("Tổng doanh thu du lịch năm 2023 tăng bao nhiêu?")
    for c in answer.citations:
        assert c.document.text[c.start:c.end] == c.sentence


def test_correction_off_and_all(tmp_path: Path) -> None:
    off = _ingest(tmp_path, "off")
    assert not any(p.search_text for p in off.snapshot.passages)
    # "all": every file of the batch is OCR output, so there is no clean text to learn from.
    everything = _ingest(tmp_path, "all")
    assert not any(p.search_text for p in everything.snapshot.passages)


def test_all_learns_from_documents_indexed_before(tmp_path: Path) -> None:
    settings = replace(Settings(), index_dir=tmp_path / "index")
    Service(settings, FakeEmbedder()).ingest([CLEAN_DOC])
    later = Service(replace(settings, ingest=replace(settings.ingest, correct_ocr="all")), FakeEmbedder())
    later.ingest([OCR_DOC])
    assert any(p.search_text for p in later.snapshot.passages)


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="auto, all, off"):
        _ingest(tmp_path, "sometimes")
