"""Question types and answer-shaped spans (pure functions)."""

import pytest

from api.answer_types import (
    AnswerType,
    asks_count,
    asks_percentage,
    counted_noun,
    find_spans,
    is_percentage,
    opens_with_pronoun,
    question_type,
)


@pytest.mark.parametrize(("question", "kind"), [
    ("Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?", AnswerType.QUANTITY),
    ("tang truong GRDP 6 thang dau nam 2024 dat bao nhieu", AnswerType.QUANTITY),  # no diacritics
    ("Tỷ lệ nợ xấu đang ở mức nào?", AnswerType.QUANTITY),
    ("What was the 2024 growth target?", AnswerType.QUANTITY),
    ("When was the 31st conference held?", AnswerType.DATE),
    ("Thành phố phấn đấu đến năm nào không còn hộ nghèo?", AnswerType.DATE),
    ("Who is the Secretary of the City Party Committee?", AnswerType.PERSON),
    ("Ai chủ trì Hội nghị?", AnswerType.PERSON),
    ("Which award did the city receive?", AnswerType.NAMED),
    ("Hội nghị bàn về nội dung", None),
    # typed with marks, matched as written: folded, "khí nào" / "lực nào" would read "khi / lúc nào"
    ("Loại khí nào đã làm lửa bùng phát trong cabin?", AnswerType.NAMED),
    ("Chính quyền có sự phân chia quyền lực nào?", AnswerType.NAMED),
    ("Thái độ của Thành ủy là gì?", AnswerType.NAMED),  # "Thái" holds no "ai"
    ("loai khi nao da lam lua bung phat", AnswerType.DATE),  # typed bare: the folded reading
    ("Tỷ lệ giải ngân vốn đầu tư công là bao nhieu?", AnswerType.QUANTITY),  # half-accented
    ("Hội nghị lần thứ 24 diễn ra trong mấy ngày?", AnswerType.QUANTITY),  # mấy: how many
    ("Ngành dệt may nào tăng trưởng?", AnswerType.NAMED),  # "may" (dệt may) is not "mấy"
    ("nganh det may nao tang truong", AnswerType.NAMED),  # nor typed bare
    ("What may the city do next?", AnswerType.NAMED),
])
def test_question_type(question: str, kind: AnswerType | None) -> None:
    assert question_type(question) == kind


def _texts(sentence: str, kind: AnswerType) -> list[str]:
    return [s.text for s in find_spans(sentence, kind)]


def test_quantities_keep_ranges_percentages_and_decimal_commas() -> None:
    sentence = "tăng trưởng GRDP từ 6,5 - 7% lên 7,5 - 8% vào năm 2024, vốn FDI giảm 23,8%."
    assert _texts(sentence, AnswerType.QUANTITY) == ["6,5 - 7%", "7,5 - 8%", "23,8%"]


def test_quantities_keep_their_unit_and_ranges_in_words() -> None:
    sentence = ("Tuyến khổ hẹp 760 mm dài 8.646 dặm vuông, trị giá 30 triệu Bảng, nóng 565 °C, "
                "tăng 7 đến 10 phần trăm, 1,5 tỷ tấn than, từ 515 triệu năm trước.")
    assert _texts(sentence, AnswerType.QUANTITY) == [
        "760 mm", "8.646 dặm vuông", "30 triệu Bảng", "565 °C", "7 đến 10 phần trăm", "1,5 tỷ tấn",
        "515 triệu năm"]
    # A counted noun or a unit of time stays outside a bare count: "bao nhiêu đại biểu" wants 220.
    assert _texts("Hội nghị có 220 đại biểu, làm việc 5 năm.", AnswerType.QUANTITY) == ["220", "5"]
    assert is_percentage("7 đến 10 phần trăm") and is_percentage("7,5 - 8%")
    assert not is_percentage("30 triệu Bảng")


def test_quantities_skip_years_periods_and_identifiers() -> None:
    sentence = ("Chỉ thị 34-CT/TW và Nghị quyết số 98 của Hội nghị lần thứ 31, nhiệm kỳ 2020 - 2025, "
                "có 220 đại biểu.")
    spans = find_spans(sentence, AnswerType.QUANTITY)
    assert [s.text for s in spans] == ["220"]
    assert _texts("Rừng bị chặt từ 2005 đến 2010.", AnswerType.QUANTITY) == []  # a period, in words
    assert not spans[0].strong  # a bare count, weaker evidence than a percentage


@pytest.mark.parametrize(("question", "count"), [
    ("Có bao nhiêu đại biểu tham dự Hội nghị lần thứ 24?", True),
    ("co bao nhieu dai bieu tham du", True),  # typed bare
    ("How many delegates attended the 24th conference?", True),
    ("Hội nghị lần thứ 24 diễn ra trong mấy ngày?", True),
    ("Tăng trưởng GRDP đạt bao nhiêu?", False),  # after a verb: an amount
    ("Doanh thu tăng bao nhiêu so với năm trước?", False),
    ("Tăng bao nhiêu phần trăm?", False),
    ("How much did tourism revenue grow?", False),
    ("nganh det may nao tang", False),  # bare "may" is not "mấy"
])
def test_a_count_question(question: str, count: bool) -> None:
    assert asks_count(question) is count


@pytest.mark.parametrize(("question", "percent"), [
    ("Bao nhiêu phần trăm dân số là người Công giáo?", True),
    ("Tỷ lệ giải ngân vốn đầu tư công là bao nhiêu?", True),
    ("ty le no xau la bao nhieu", True),
    ("What public investment disbursement rate does the city aim for?", True),
    ("What percentage of the population is Catholic?", True),
    ("Có bao nhiêu đại biểu tham dự?", False),
    ("What was the 2024 growth target?", False),
])
def test_a_percentage_question(question: str, percent: bool) -> None:
    assert asks_percentage(question) is percent


def test_a_bare_integer_is_strong_evidence_only_when_the_question_asks_how_many() -> None:
    sentence = "(4) Tổng số đại biểu tham dự Hội nghị là 220 đại biểu."  # (4) numbers a list item
    assert [(s.text, s.strong) for s in find_spans(sentence, AnswerType.QUANTITY)] == [("220", False)]
    assert [(s.text, s.strong) for s in find_spans(sentence, AnswerType.QUANTITY, counted="dai")] == [
        ("220", True)]


def test_a_count_of_days_answers_how_many_days_not_how_many_delegates() -> None:
    sentence = "Sau 01 ngày làm việc, Hội nghị với 220 đại biểu đã hoàn thành chương trình."
    for question in ("How many delegates attended?", "Có bao nhiêu đại biểu tham dự?"):
        spans = find_spans(sentence, AnswerType.QUANTITY, counted_noun(question))
        assert [(s.text, s.strong) for s in spans] == [("01", False), ("220", True)]
    for question in ("How many days did it last?", "Hội nghị diễn ra trong mấy ngày?"):
        spans = find_spans(sentence, AnswerType.QUANTITY, counted_noun(question))
        assert [(s.text, s.strong) for s in spans] == [("01", True), ("220", True)]


def test_days_and_months_of_a_date_are_not_quantities() -> None:
    sentence = "Hội nghị diễn ra từ ngày 13 đến ngày 14 tháng 6 năm 2024, trong 6 tháng có 220 đại biểu."
    assert _texts(sentence, AnswerType.QUANTITY) == ["6", "220"]


def test_dates() -> None:
    sentence = "Hội nghị diễn ra từ ngày 13 đến ngày 14 tháng 6 năm 2024 tại Thành ủy."
    assert _texts(sentence, AnswerType.DATE) == ["từ ngày 13 đến ngày 14 tháng 6 năm 2024"]
    assert _texts("phấn đấu đến năm 2025 không còn hộ nghèo", AnswerType.DATE) == ["năm 2025"]
    # A decade keeps its "những" (the 1970s, not 1970); a year what bounds or places it; a
    # period both its ends.
    assert _texts("Vào những năm 1970 và cuối những năm 1980, sau năm 1279, mùa hè năm 1521.",
                  AnswerType.DATE) == ["những năm 1970", "cuối những năm 1980", "sau năm 1279",
                                       "mùa hè năm 1521"]
    assert _texts("Rừng bị chặt từ 2005 đến 2010, nhiệm kỳ 2020 - 2025.", AnswerType.DATE) == [
        "từ 2005 đến 2010", "2020 - 2025"]


def test_people_are_vietnamese_names_not_place_names() -> None:
    sentence = "Đồng chí Nguyễn Văn Nên, Bí thư Thành ủy Thành phố Hồ Chí Minh, phát biểu."
    assert _texts(sentence, AnswerType.PERSON) == ["Nguyễn Văn Nên"]


def test_a_name_after_a_lower_case_marked_word_is_found() -> None:
    # "ủy" and "đánh" are lower case although their letters fall inside the range À-Ỹ.
    sentence = "Đồng chí Bí thư Thành ủy Nguyễn Văn Nên đánh giá tình hình."
    assert _texts(sentence, AnswerType.PERSON) == ["Nguyễn Văn Nên"]
    assert _texts("Ông Trần Lưu Quang đến dự.", AnswerType.PERSON) == ["Trần Lưu Quang"]
    # Provinces whose names open with a surname are places.
    assert _texts("Đoàn công tác tỉnh Hà Giang làm việc tại Hà Nội với Lâm Đồng.", AnswerType.PERSON) == []
    assert _texts("Ông Hà Văn Thắm đến dự.", AnswerType.PERSON) == ["Hà Văn Thắm"]


def test_foreign_names_are_capitalised_words_that_are_not_vietnamese_syllables() -> None:
    sentence = "Peyton Manning chuyền cho Emmanuel Sanders, Denver Broncos thắng Carolina Panthers."
    assert _texts(sentence, AnswerType.PERSON) == [
        "Peyton Manning", "Emmanuel Sanders", "Denver Broncos", "Carolina Panthers"]
    # Capitalised Vietnamese words (institutions, places) and acronyms are not names.
    assert _texts("Thành phố Hồ Chí Minh nhận giải thưởng ASOCIO tại Thủ Đức.", AnswerType.PERSON) == []
    assert _texts("Ban Chấp hành Trung ương Quyết định thành lập.", AnswerType.PERSON) == []

def test_foreign_names_keep_accents_hyphens_initials_and_particles() -> None:
    sentence = ("Lothar de Maizière gặp Ferenc Deák, William E. Simon, Hassan al-Turabi và "
                "Louis-Joseph de Montcalm; uống Vitamin E. Sau đó người Pháp Jean Ribault về.")
    assert _texts(sentence, AnswerType.PERSON) == [
        "Lothar de Maizière", "Ferenc Deák", "William E. Simon", "Hassan al-Turabi",
        "Louis-Joseph de Montcalm", "Vitamin",  # a name ends before a Vietnamese syllable ...
        "Jean Ribault"]  # ... and starts after one


def test_named_things_include_quoted_mottos_and_acronyms() -> None:
    sentence = "Phương châm: “Đoàn kết - Dân chủ - Kỷ cương - Đột phá - Sáng tạo”; giải thưởng ASOCIO."
    texts = _texts(sentence, AnswerType.NAMED)
    assert "Đoàn kết - Dân chủ - Kỷ cương - Đột phá - Sáng tạo" in texts
    assert "ASOCIO" in texts
    # A Roman numeral names a congress or a term, not a thing: "Đại hội XII", "khóa XI".
    assert _texts("Đại hội XII và khóa XI của CDC.", AnswerType.NAMED) == ["CDC"]
    # A congress's theme is a long quotation, and a whole one.
    theme = ("Phát huy truyền thống đoàn kết, năng động, nghĩa tình, quyết tâm xây dựng Đảng bộ và hệ "
             "thống chính trị Thành phố trong sạch, vững mạnh toàn diện; bảo đảm quốc phòng - an ninh "
             "vững chắc; kinh tế - xã hội phát triển nhanh, bền vững")
    assert _texts(f"Chủ đề Đại hội: “{theme}”.", AnswerType.NAMED)[0] == theme
    # An acronym keeps its hyphened or slashed parts; a decree number is no acronym.
    assert _texts("Chuẩn MPEG-4, DVB-S2, HIV/AIDS theo Chỉ thị 34-CT/TW.", AnswerType.NAMED) == [
        "MPEG-4", "DVB-S2", "HIV/AIDS"]
    # Nor is the tail of a document number ("QH15" of "81/2023/QH15").
    assert _texts("Nghị quyết số 81/2023/QH15 của Quốc hội về quy hoạch.", AnswerType.NAMED) == []


@pytest.mark.parametrize(("sentence", "pronoun"), [
    ("Anh ấy cũng là thủ quân lớn tuổi nhất.", True),
    ("Đồng chí nhấn mạnh nhiệm vụ trọng tâm.", True),
    ("Ông cho biết thành phố sẽ tiếp tục.", True),
    ("She was elected in 2020.", True),
    ("Đồng chí Nguyễn Văn Nên nhấn mạnh nhiệm vụ.", False),
    ("Ông Trần Lưu Quang cho biết.", False),
    ("Họp báo diễn ra sáng nay.", False),
])
def test_sentences_opening_with_a_pronoun(sentence: str, pronoun: bool) -> None:
    assert opens_with_pronoun(sentence) is pronoun
