"""Retrieval with the real bundled model over the bundled corpus (slow)."""

from pathlib import Path

import pytest

from api.service import Service

pytestmark = pytest.mark.slow


def test_every_passage_is_its_document_span(corpus_service: Service) -> None:
    snap = corpus_service.snapshot
    assert len(snap.passages) > 50
    for p in snap.passages:
        assert snap.documents[p.document_id].text[p.start:p.end] == p.text
        assert corpus_service.embedder.count_tokens(p.embed_text) <= 512


def test_growth_question_finds_figure_in_nfc_and_nfd(corpus_service: Service) -> None:
    import unicodedata

    query = "Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?"
    for form in ("NFC", "NFD"):
        hits = corpus_service.search(unicodedata.normalize(form, query), k=3)
        assert any("6,46%" in h.passage.text for h in hits)


def test_unaccented_and_ocr_damaged_words_still_match(corpus_service: Service) -> None:
    # "Đảng" is OCR'd "Đẳng" in the 24th conference record; folded matching finds both.
    hits = corpus_service.search("tong doanh thu du lich tang bao nhieu", k=5)
    assert any("Tổng doanh thu du lịch tăng 22%" in h.passage.text for h in hits)


def test_english_question_over_vietnamese_text(corpus_service: Service) -> None:
    hits = corpus_service.search("How much did total tourism revenue grow in 2023?", k=3)
    assert any("22%" in h.passage.text for h in hits)
    assert all(Path(corpus_service.snapshot.documents[h.passage.document_id].source).exists() for h in hits)
