from ingest.clean import clean_pages
from ingest.structure import heading_level, metadata, paragraphs
from tests.conftest import CORPUS


def _cleaned(name: str):  # type: ignore[no-untyped-def]
    return clean_pages(((CORPUS / name).read_text(encoding="utf-8"),))


def test_heading_levels() -> None:
    assert heading_level("II. VỀ CÔNG TÁC XÂY DỰNG ĐẢNG") == 1
    assert heading_level("1. Một số kết quả phát triển kinh tế - xã hội năm 2023") == 2
    assert heading_level("3.1. Nguyên nhân khách quan") == 3
    assert heading_level("NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM NĂM 2024") == 1
    assert heading_level("Năm 2023, thành phố làm tốt mục tiêu ngăn chặn đà suy giảm.") == 0


def test_metadata_of_press_release() -> None:
    meta = metadata(_cleaned("hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt"))
    assert meta.conference_number == 31
    assert meta.term == "XI"
    assert meta.dates[:2] == ("2024-06-13", "2024-06-14")
    assert meta.kind == "thong cao bao chi"
    assert "Hội nghị lần thứ 31" in meta.title


def test_metadata_of_ocr_communique() -> None:
    meta = metadata(_cleaned("hoi-nghi-lan-thu-24-khoa-xi-2023-12-ocr.txt"))
    assert meta.conference_number == 24
    assert meta.term == "XI"
    assert meta.dates == ("2023-12-02",)


def test_section_paths_nest() -> None:
    cleaned = _cleaned("hoi-nghi-lan-thu-24-khoa-xi-2023-12-ocr.txt")
    sections = {p.section for p in paragraphs(cleaned)}
    nested = [s for s in sections if len(s) == 3]
    assert any(s[1].startswith("3. Nguyên") and s[2].startswith("3.1.") for s in nested)


def test_conferences_named_by_a_question() -> None:
    from ingest.structure import conferences_named

    assert conferences_named("Hội nghị lần thứ 24 thống nhất bao nhiêu nhóm nhiệm vụ?") == {24}
    assert conferences_named("hoi nghi ban chap hanh dang bo thanh pho lan thu 31 dien ra khi nao") == {31}
    assert conferences_named("Who chaired the 24th Party Committee conference?") == {24}
    # Not a conference: a congress, a match, a year.
    assert conferences_named("Đại hội lần thứ 12 có chủ đề gì?") == set()
    assert conferences_named("Super Bowl lần thứ 50 diễn ra ở đâu?") == set()
    assert conferences_named("What was the 2024 growth target?") == set()
