import unicodedata

from ingest.clean import clean_pages
from tests.conftest import CORPUS


def test_nfc_and_docx_artifacts_removed() -> None:
    nfd = unicodedata.normalize("NFD", "Hội nghị của Thành ủy")
    cleaned = clean_pages((f"[bookmark: _GoBack]{nfd} họp.",))
    assert cleaned.text == "Hội nghị của Thành ủy họp."
    assert unicodedata.is_normalized("NFC", cleaned.text)


def test_ocr_hard_wraps_joined_but_paragraphs_kept() -> None:
    raw = "Năm 2023, thành phố làm tốt\nmục tiêu ngăn chặn đà suy giảm.\n\nCác lĩnh vực sản xuất\nphát triển."
    cleaned = clean_pages((raw,))
    paras = [cleaned.text[s:e] for s, e in cleaned.paragraphs]
    assert paras == ["Năm 2023, thành phố làm tốt mục tiêu ngăn chặn đà suy giảm.",
                     "Các lĩnh vực sản xuất phát triển."]


def test_page_number_line_dropped_and_sentence_rejoined() -> None:
    raw = "Tiếp tục triển khai lập\n\n\n7\n\nQuy hoạch thành phố.\n\nĐoạn mới."
    cleaned = clean_pages((raw,))
    paras = [cleaned.text[s:e] for s, e in cleaned.paragraphs]
    assert paras == ["Tiếp tục triển khai lập Quy hoạch thành phố.", "Đoạn mới."]


def test_numbered_heading_not_joined_with_body() -> None:
    raw = ("Một dòng thân bài rất dài để xác định độ rộng của trang văn bản này nhé các bạn ơi.\n"
           "Một dòng thân bài rất dài để xác định độ rộng của trang văn bản này nhé các bạn ơi.\n\n"
           "3.1. Nguyên nhân khách quan\nXung đột vũ trang kéo dài.")
    paras = [clean_pages((raw,)).text[s:e] for s, e in clean_pages((raw,)).paragraphs]
    assert "3.1. Nguyên nhân khách quan" in paras


def test_pages_cover_text_and_keep_numbers() -> None:
    cleaned = clean_pages(("Trang một có nội dung.", "Trang hai có nội dung."))
    assert [p.number for p in cleaned.pages] == [1, 2]
    assert cleaned.pages[0].start == 0 and cleaned.pages[-1].end == len(cleaned.text)
    assert cleaned.text[cleaned.pages[1].start:cleaned.pages[1].end] == "Trang hai có nội dung."


def test_line_style_document_joins_only_continuations() -> None:
    text = (CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt").read_text(encoding="utf-8")
    cleaned = clean_pages((text,))
    paras = [cleaned.text[s:e] for s, e in cleaned.paragraphs]
    assert ("1. Đồng chí Nguyễn Văn Nên, Ủy viên Bộ Chính trị, Bí thư Thành ủy, "
            "phát biểu khai mạc Hội nghị") in paras
    assert "[bookmark" not in cleaned.text
    assert unicodedata.is_normalized("NFC", cleaned.text)


def test_wrapped_line_joined_before_a_capitalised_name() -> None:
    """A PDF text layer: no blank lines; a line running to the page width and stopping mid-sentence
    continues on the next, even when that starts with a name. A short line that stops without a
    full stop, followed by a capital, is still its own paragraph (a title)."""
    raw = ("Kết quả hội nghị\n"
           "Hội nghị thống nhất mục tiêu tăng trưởng của thành phố Hồ\n"
           "Chí Minh năm 2024 đạt 7,5 - 8%, giao Ủy ban nhân dân Thành phố\n"
           "Hồ Chí Minh tổ chức thực hiện và báo cáo kết quả với Thành ủy.\n")
    paras = [clean_pages((raw,)).text[s:e] for s, e in clean_pages((raw,)).paragraphs]
    assert paras == ["Kết quả hội nghị",
                     "Hội nghị thống nhất mục tiêu tăng trưởng của thành phố Hồ Chí Minh năm 2024 đạt "
                     "7,5 - 8%, giao Ủy ban nhân dân Thành phố Hồ Chí Minh tổ chức thực hiện và báo cáo "
                     "kết quả với Thành ủy."]
