"""Property tests (hypothesis): the chunker never loses or duplicates text and its offsets
round-trip; folding and normalisation are stable; diacritic restoration keeps what it must."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.answer import normalise
from index.diacritics import DiacriticModel
from index.settings import ChunkSettings
from index.text import clean_query, fold, nfc, tokens
from tests.conftest import FakeEmbedder
from tests.test_chunk import _document

VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
word = st.text(alphabet=VI_LETTERS + VI_LETTERS.upper()[:20], min_size=1, max_size=8)
number = st.from_regex(r"\d{1,3}(,\d{1,2})?%?", fullmatch=True)
token = st.one_of(word, word, word, number)
sentence = st.lists(token, min_size=1, max_size=25).map(lambda ws: " ".join(ws) + ".")
heading = st.sampled_from(["I. TÌNH HÌNH CHUNG", "1. Kết quả", "1.1. Kinh tế", "2. Nhiệm vụ",
                           "II. GIẢI PHÁP"])
paragraph = st.one_of(st.lists(sentence, min_size=1, max_size=8).map(" ".join), heading)
document = st.lists(paragraph, min_size=1, max_size=12).map("\n".join)
invisible = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00ad"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.sampled_from([30, 60, 200]))
def test_chunks_round_trip_without_losing_or_duplicating_text(text: str, max_tokens: int) -> None:
    doc, paras = _document(text)
    from ingest.chunk import chunk

    passages = chunk(doc, paras, ChunkSettings(max_tokens=max_tokens, min_tokens=10),
                     FakeEmbedder().count_tokens)
    if not doc.text.strip():
        assert passages == []
        return
    assert passages[0].start == 0 and passages[-1].end == len(doc.text)
    for prev, p in itertools.pairwise(passages):
        assert prev.end <= p.start  # no overlap: nothing duplicated
        assert doc.text[prev.end:p.start].strip() == ""  # nothing lost
    for p in passages:
        assert doc.text[p.start:p.end] == p.text
        for s, e in p.sentences:
            assert p.start <= s < e <= p.end
    assert len({p.id for p in passages}) == len(passages)


@given(st.text(max_size=60))
def test_fold_is_idempotent_and_ascii_for_vietnamese(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(nfc(text)) == fold(unicodedata.normalize("NFD", text))


@given(st.lists(token, min_size=1, max_size=10).map(" ".join))
def test_tokens_and_normalise_ignore_normalisation_form(text: str) -> None:
    assert tokens(text) == tokens(unicodedata.normalize("NFD", text))
    assert normalise(text) == normalise(unicodedata.normalize("NFD", text))
    assert normalise(normalise(text)) == normalise(text)


@given(st.lists(token, min_size=1, max_size=10).map(" ".join), st.lists(invisible, max_size=5),
       st.randoms())
def test_invisible_characters_never_change_a_question(text: str, noise: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    dirty = list(text)
    for ch in noise:
        dirty.insert(rnd.randrange(len(dirty) + 1), ch)
    assert clean_query("".join(dirty)) == clean_query(text)


MODEL = DiacriticModel(["Hội nghị thống nhất mục tiêu tăng trưởng kinh tế năm 2024 đạt 7,5 - 8%."])


@given(st.lists(token, min_size=1, max_size=10).map(" ".join))
def test_restoration_only_adds_marks(text: str) -> None:
    restored = MODEL.restore(text)
    assert fold(restored) == fold(text)  # same letters, digits and spacing
    assert len(restored) == len(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=50, width=32), min_size=0, max_size=400),
       st.integers(min_value=1, max_value=120))
def test_top_indices_are_the_k_largest_values(values: list[float], k: int) -> None:
    import numpy as np

    from index.hybrid import _top_indices

    array = np.array(values, dtype=np.float32)
    top = _top_indices(array, k)
    assert len(top) == min(k, len(values)) == len(set(top.tolist()))
    expected = np.sort(array)[::-1][:k]
    assert np.array_equal(np.sort(array[top])[::-1], expected)


name_word = st.one_of(word, st.sampled_from(["Peyton", "Manning", "Nguyễn", "Văn", "Nên", "Hà", "Nội",
                                              "XII", "ASOCIO", "“Đoàn kết”", "7,5%", "năm 2024"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(name_word, min_size=0, max_size=20).map(" ".join))
def test_answer_spans_are_slices_of_the_sentence(text: str) -> None:
    from api.answer_types import AnswerType, find_spans

    for kind in AnswerType:
        for span in find_spans(text, kind):
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start:span.end] == span.text
