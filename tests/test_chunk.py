import pytest

from index.settings import ChunkSettings
from index.types import Document
from ingest.chunk import chunk, sentences
from ingest.clean import clean_pages
from ingest.structure import paragraphs
from tests.conftest import CORPUS, FakeEmbedder


def _document(text: str) -> tuple[Document, list]:  # type: ignore[type-arg]
    cleaned = clean_pages((text,))
    doc = Document(id="d", name="d", source="d", sha256="0", text=cleaned.text, pages=cleaned.pages)
    return doc, paragraphs(cleaned)


def test_sentence_split_keeps_decimals_and_abbreviations() -> None:
    text = "GRDP tăng 6,46%, mục tiêu 7,5 - 8%. TP. Hồ Chí Minh đạt 7.5%. Hết!"
    got = [text[s:e] for s, e in sentences(text, 0, len(text))]
    assert got == ["GRDP tăng 6,46%, mục tiêu 7,5 - 8%.", "TP. Hồ Chí Minh đạt 7.5%.", "Hết!"]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
@pytest.mark.parametrize("max_tokens", [60, 200, 500])
def test_offsets_round_trip_and_cover_all_text(name: str, max_tokens: int) -> None:
    doc, paras = _document((CORPUS / name).read_text(encoding="utf-8"))
    count = FakeEmbedder().count_tokens
    passages = chunk(doc, paras, ChunkSettings(max_tokens=max_tokens), count)
    covered = 0
    for prev, p in zip([None, *passages], passages, strict=False):
        assert doc.text[p.start:p.end] == p.text
        assert p.text == p.text.strip()
        if prev is not None:
            assert p.start > prev.end - 1  # no overlap
            assert doc.text[prev.end:p.start].strip() == ""  # nothing lost between passages
        for s, e in p.sentences:
            assert p.start <= s < e <= p.end
        covered += len(p.text)
    assert passages[0].start == 0 and passages[-1].end == len(doc.text)
    for p in passages:  # within budget: the section prefix counts against it
        prefix = " > ".join(p.section) + "\n" if p.section else ""
        assert count(p.text) <= max(max_tokens - count(prefix), ChunkSettings().min_tokens)


def test_passages_end_at_sentence_ends_when_sentences_fit() -> None:
    sentence = "Thành phố đạt mức tăng trưởng {n},5% trong quý {n}."
    paragraph = " ".join(sentence.format(n=i) for i in range(12))
    doc, paras = _document("\n".join([paragraph] * 3))
    passages = chunk(doc, paras, ChunkSettings(max_tokens=50), FakeEmbedder().count_tokens)
    assert len(passages) > 3
    for p in passages:
        assert p.text.endswith(".") and p.text[0].isupper()


def test_ids_are_deterministic() -> None:
    text = "1. Mục một\nNội dung thứ nhất.\n2. Mục hai\nNội dung thứ hai."
    a = chunk(*_document(text), ChunkSettings(), FakeEmbedder().count_tokens)
    b = chunk(*_document(text), ChunkSettings(), FakeEmbedder().count_tokens)
    assert [p.id for p in a] == [p.id for p in b]
    assert a[1].section == ("2. Mục hai",) and a[1].text.startswith("2. Mục hai")


def test_embed_text_prefixes_only_the_nearest_heading_the_text_lacks() -> None:
    text = "I. PHẦN MỘT\n1. Kinh tế\nGRDP tăng 6,46%.\nThu ngân sách đạt 52%.\n" + "Câu thêm. " * 40
    passages = chunk(*_document(text), ChunkSettings(max_tokens=30), FakeEmbedder().count_tokens)
    opening, later = passages[0], passages[-1]
    assert later.section == ("I. PHẦN MỘT", "1. Kinh tế")
    assert later.embed_text == "1. Kinh tế\n" + later.text  # not the whole path
    # A passage that opens with its own heading is prefixed by the heading above it, if any.
    assert opening.text.startswith("I. PHẦN MỘT")
    assert opening.embed_text == opening.text
