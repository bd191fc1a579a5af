"""Retrieval with the real bundled model over the bundled corpus (slow)."""

from pathlib import Path

import numpy as np
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


def test_english_typed_as_keywords_is_answered_as_english(corpus_service: Service) -> None:
    # No English function word: read as unaccented Vietnamese, it met the Vietnamese threshold
    # and was "not found".
    answer = corpus_service.ask("growth target 2024")
    assert answer.language == "en" and answer.found
    assert answer.short_answer is not None and "7,5 - 8%" in answer.answer


def test_english_hits_reranked_by_the_real_models_token_states(corpus_service: Service) -> None:
    snap = corpus_service.snapshot
    assert snap.tokens is not None and snap.tokens.passages == len(snap.passages)
    embedder = corpus_service.embedder
    # The question's vector from its token-state run is its ordinary vector.
    vector, states = embedder.query_states("How much did total tourism revenue grow in 2023?")
    plain = embedder.embed_queries(["How much did total tourism revenue grow in 2023?"])[0]
    assert float(vector @ plain) > 0.9999
    assert np.allclose(np.linalg.norm(states, axis=1), 1.0, atol=1e-5)
    # A passage's stored states are its content tokens: as many as the tokenizer gives, less the
    # prompt's and the two special tokens.
    prompt = len(embedder._tokenizer.encode(corpus_service.settings.model.passage_prompt).ids) - 2
    for row in (0, len(snap.passages) // 2, len(snap.passages) - 1):
        tokens = embedder.count_tokens(snap.passages[row].embed_text) - 2 - prompt
        assert abs(len(snap.tokens.passage(row).states) - tokens) <= 1  # the prompt's last piece may merge
    hits = corpus_service.search("How much did total tourism revenue grow in 2023?", k=5)
    assert all(h.token_score is not None for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
