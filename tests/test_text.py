import unicodedata

import pytest

from index.lexical import LexicalIndex, document_terms, query_terms
from index.text import anchor_tokens, detect_language, fold, tokens


@pytest.mark.parametrize(("raw", "folded"), [
    ("Đảng bộ", "dang bo"), ("phổ", "pho"), ("phố", "pho"), ("Đẳng", "dang"),
    (unicodedata.normalize("NFD", "của"), "cua"),
])
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_tokens_unify_decimal_comma_and_point() -> None:
    assert tokens("tăng 7,5 - 8%") == tokens("tăng 7.5 - 8%") == ["tăng", "7,5", "8"]


def test_numbers_drop_leading_zeros_but_keep_their_value() -> None:
    assert tokens("06 tháng đầu năm, ngày 05/7") == ["6", "tháng", "đầu", "năm", "ngày", "5", "7"]
    assert tokens("0,5% 0.05 00 0 2024") == ["0,5", "0,05", "0", "0", "2024"]
    assert anchor_tokens("In the first 06 months") == ["6"]
    index = LexicalIndex(["Kết quả 06 tháng đầu năm 2024", "Kết quả 9 tháng đầu năm 2023"])
    assert int(index.scores(query_terms("6 tháng đầu năm 2024")).argmax()) == 0


def test_nfd_and_nfc_tokenize_alike() -> None:
    assert tokens(unicodedata.normalize("NFD", "Thành phố")) == tokens("Thành phố")


@pytest.mark.parametrize(("query", "lang"), [
    ("What was the 2024 growth target?", "en"),
    ("Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?", "vi"),
    ("muc tieu tang truong GRDP nam 2024", "vi"),
    # English typed as keywords, with no function word: most words cannot be Vietnamese syllables.
    ("growth target 2024", "en"),
    ("GRDP growth 2024", "en"),
    ("Hanoi unemployment rate", "en"),
    # Names stay out of the count: a Vietnamese question may name things in their own language.
    ("Tesla Electric Light & Manufacturing da lam gi?", "vi"),
    ("doanh thu Amazon nam 2023", "vi"),
    ("bi thu thanh uy", "vi"),
    ("GRDP 2024", "vi"),
    # Marks alone do not make a question Vietnamese: English naming Vietnamese people and places.
    ("What did Nguyễn Văn Nên say about the economy?", "en"),
    ("Who is Nguyễn Văn Nên?", "en"),
    ("How many delegates attended Hội nghị lần thứ 24?", "en"),
    # ... while Vietnamese words that are English function words ("an", "so") stay Vietnamese.
    ("An ninh trật tự so với năm 2023 ra sao?", "vi"),
    ("Doanh nghiệp dùng smartphone và website bao nhiêu?", "vi"),
])
def test_detect_language(query: str, lang: str) -> None:
    assert detect_language(query) == lang


def test_english_anchors_are_numbers_and_names() -> None:
    assert anchor_tokens("Which award did Ho Chi Minh City receive in 2023?") == [
        "ho", "chi", "minh", "city", "2023"]


def test_ocr_diacritic_errors_and_unaccented_queries_match_folded() -> None:
    index = LexicalIndex(["Thành phổ phấn đấu giảm nghèo", "Ban Chấp hành Đẳng bộ họp"])
    for query, expected in [("thành phố", 0), ("thanh pho", 0), ("Đảng bộ", 1), ("dang bo", 1)]:
        scores = index.scores(query_terms(query))
        assert int(scores.argmax()) == expected and scores.max() > 0
    bound = index.upper_bound(query_terms("thành phố"))
    assert 0 < index.scores(query_terms("thành phố")).max() <= bound + 1e-6


def test_document_terms_are_the_same_with_a_shared_fold_memo() -> None:
    texts = ["Thành phố phấn đấu năm 2024", "thành phố Hồ Chí Minh", "Đảng bộ thành phố"]
    memo: dict[str, str] = {}
    assert [document_terms(t, memo) for t in texts] == [document_terms(t) for t in texts]
    assert memo["thành"] == "~thanh" and memo["đảng"] == "~dang"
