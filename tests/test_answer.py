"""Extractive answers: the chosen sentence, its offsets, corroboration and abstention."""

from dataclasses import replace
from pathlib import Path

import pytest

from api.answer import normalise
from api.service import Service
from index.types import Hit, Passage
from tests.conftest import FakeEmbedder, fake_settings


def test_answer_cites_a_verbatim_sentence_with_offsets(fake_service: Service) -> None:
    answer = fake_service.ask("Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?")
    assert answer.found and answer.citations
    assert answer.answer.startswith(answer.citations[0].sentence) and "[1]" in answer.answer
    for c in answer.citations:
        assert c.document.text[c.start:c.end] == c.sentence
        assert c.hit.passage.start <= c.start < c.end <= c.hit.passage.end
        assert c.hit in answer.hits  # only retrieved passages are cited


def test_unaccented_and_nfd_questions_get_the_same_answer(fake_service: Service) -> None:
    import unicodedata

    question = "Chỉ số sản xuất công nghiệp năm 2023 tăng bao nhiêu?"
    accented = fake_service.ask(question)
    bare = fake_service.ask("chi so san xuat cong nghiep nam 2023 tang bao nhieu")
    nfd = fake_service.ask(unicodedata.normalize("NFD", question))
    assert accented.short_answer == bare.short_answer == nfd.short_answer == "4,6%"


def _two_documents(tmp_path: Path) -> Service:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "THÔNG BÁO HỘI NGHỊ A\n\nHội nghị đánh giá tình hình kinh tế của thành phố trong năm qua. "
        "Hội nghị thống nhất mục tiêu tăng trưởng kinh tế năm 2024 đạt 7,5 - 8%.\n", encoding="utf-8")
    (docs / "b.txt").write_text(
        "THÔNG CÁO HỘI NGHỊ B\n\nCác đại biểu thảo luận nhiều nội dung về văn hóa và xã hội. "
        "Mục tiêu tăng trưởng kinh tế năm 2024 của thành phố là 7,5 - 8% theo nghị quyết.\n",
        encoding="utf-8")
    service = Service(fake_settings(tmp_path / "index"), FakeEmbedder())
    service.ingest([docs])
    return service


class _HubEmbedder(FakeEmbedder):
    """The fake embedder, whose empty question reads "hội nghị" (the fake's own is all zeros)."""

    def embed_queries(self, texts):  # type: ignore[no-untyped-def]
        return self._embed([t or "hội nghị" for t in texts])


def test_hits_carry_each_sentences_cosine_with_the_empty_question_centred(tmp_path: Path) -> None:
    import numpy as np

    service = _two_documents(tmp_path)
    hub = Service(service.settings, _HubEmbedder())
    snapshot = hub.snapshot
    empty = _HubEmbedder().embed_queries([""])[0]
    cosines = np.asarray(snapshot.sentence_vectors @ empty)
    expected: dict[str, np.ndarray] = {}
    first = 0
    for p in snapshot.passages:
        expected[p.id] = cosines[first:first + len(p.sentences)] - cosines.mean()
        first += len(p.sentences)
    hits = hub.search("Hội nghị đánh giá tăng trưởng", k=4)
    assert hits and all(len(h.sentence_generic) == len(h.passage.sentences) for h in hits)
    for h in hits:
        assert np.allclose(h.sentence_generic, expected[h.passage.id], atol=1e-6)
    # The sentences naming "hội nghị" are the ones near the (stand-in) empty question.
    sentences = [(g, text) for h in hits
                 for g, text in zip(h.sentence_generic, h.passage.sentence_texts(), strict=True)]
    assert "hội nghị" in max(sentences)[1].lower()
    assert "hội nghị" not in min(sentences)[1].lower()


def test_a_fact_stated_in_two_documents_cites_both(tmp_path: Path) -> None:
    answer = _two_documents(tmp_path).ask("Mục tiêu tăng trưởng kinh tế năm 2024 là bao nhiêu?")
    assert answer.short_answer == "7,5 - 8%"
    assert {c.document.name for c in answer.citations} == {"a", "b"}
    assert "[1]" in answer.answer and "[2]" in answer.answer


def test_below_the_threshold_it_abstains_without_citations(tmp_path: Path) -> None:
    service = _two_documents(tmp_path)
    never = replace(service.settings.answer, abstain_below_vi=99.0, abstain_below_en=99.0)
    strict = Service(replace(service.settings, answer=never), FakeEmbedder())
    answer = strict.ask("Mục tiêu tăng trưởng kinh tế năm 2024 là bao nhiêu?")
    assert not answer.found and answer.citations == () and answer.short_answer is None
    assert "Không tìm thấy" in answer.answer
    assert "do not contain" in strict.ask("What was the growth target?").answer


def test_normalise_folds_case_marks_decimals_dashes_and_spaces() -> None:
    assert normalise("Mục tiêu 7.5 – 8%") == normalise("muc  tieu 7,5-8%")


def test_a_who_answer_opening_with_a_pronoun_keeps_the_sentence_that_names_the_person() -> None:
    from api.answer import Candidate, _with_antecedent

    text = "Hội nghị khai mạc sáng nay. Nguyễn Văn Bình được bầu làm Chủ tịch. Ông cũng là Bí thư."
    starts = [0, text.index("Nguyễn"), text.index("Ông")]
    spans = tuple(zip(starts, [*(s - 1 for s in starts[1:]), len(text)], strict=True))
    passage = Passage(id="p", document_id="d", text=text, start=0, end=len(text), page=1,
                      sentences=spans)
    best = Candidate(Hit(passage, 1.0), spans[2][0], spans[2][1], text[spans[2][0]:], 1.0, ())
    kept = _with_antecedent(best, "Ai là Bí thư?")
    assert kept.text == "Nguyễn Văn Bình được bầu làm Chủ tịch. Ông cũng là Bí thư."
    assert (kept.start, kept.end) == (spans[1][0], spans[2][1]) and text[kept.start:kept.end] == kept.text
    assert [s.text for s in kept.spans] == ["Nguyễn Văn Bình"]
    assert _with_antecedent(best, "Bí thư làm gì?") is best  # not a "who" question
    named = replace(best, start=spans[1][0], end=spans[1][1], text=text[spans[1][0]:spans[1][1]])
    assert _with_antecedent(named, "Ai là Chủ tịch?") is named  # does not open with a pronoun


def _two_sentences(first: str, second: str, cosines: tuple[float, float]) -> Hit:
    """A retrieved passage of two sentences with the given question cosines."""
    text = first + second
    passage = Passage(id="p", document_id="d", text=text, start=0, end=len(text), page=1,
                      sentences=((0, len(first.rstrip())), (len(first), len(text))))
    return Hit(passage, 0.5, sentence_scores=cosines)


def test_a_who_question_prefers_the_sentence_naming_someone_but_abstains_as_before() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings

    hit = _two_sentences("Hội nghị bàn về công tác cán bộ của thành phố. ",
                         "Đồng chí Nguyễn Văn Bình phát biểu tại hội nghị.", (0.80, 0.78))
    settings = AnswerSettings()
    ranked = Answerer({}, lambda term: 1.0, settings).candidates("Who spoke?", [hit])
    # 0.78 + the name's weight outranks 0.80 without a name ...
    assert ranked[0].text.startswith("Đồng chí Nguyễn Văn Bình") and ranked[0].spans
    assert ranked[0].score - ranked[1].score > 0
    # ... but what it is compared with the abstention threshold carries the common type weight.
    gap = settings.person_weight - settings.type_weight
    assert abs(ranked[0].support - (ranked[0].score - gap)) < 1e-9
    assert ranked[1].support == ranked[1].score


def test_a_how_many_question_prefers_the_sentence_with_a_count_and_answers_it() -> None:
    from api.answer import Answerer, _short_answer
    from index.settings import AnswerSettings

    hit = _two_sentences("Hội nghị làm việc khẩn trương và hoàn thành chương trình. ",
                         "Tổng số đại biểu tham dự là 220 đại biểu.", (0.92, 0.91))
    answerer = Answerer({}, lambda term: 1.0, AnswerSettings(lexical_weight_en=0.0))
    # A bare integer may be an identifier, so it counts for "how much" ...
    assert answerer.candidates("How much was spent?", [hit])[0].text.startswith("Hội nghị")
    # ... but answers "how many".
    ranked = answerer.candidates("How many delegates attended?", [hit])
    assert ranked[0].text.startswith("Tổng số") and ranked[0].features[2] == 1.0
    assert _short_answer("How many delegates attended?", ranked[0]) == "220"


def test_a_count_of_days_is_no_short_answer_to_how_many_delegates() -> None:
    from api.answer import Answerer, _short_answer
    from index.settings import AnswerSettings

    hit = _two_sentences("Sau 01 ngày làm việc, Hội nghị đã hoàn thành chương trình đề ra. ",
                         "Các đại biểu thảo luận tại tổ.", (0.92, 0.80))
    answerer = Answerer({}, lambda term: 1.0, AnswerSettings())
    best = answerer.candidates("How many delegates attended?", [hit])[0]
    assert best.text.startswith("Sau 01 ngày") and best.features[2] == 0.0  # no count of delegates
    assert _short_answer("How many delegates attended?", best) is None
    best = answerer.candidates("How many days did the conference last?", [hit])[0]
    assert best.features[2] == 1.0 and _short_answer("How many days did the conference last?", best) == "01"


def test_a_percentage_answers_what_percentage_and_a_count_how_many() -> None:
    from api.answer import Answerer, _short_answer
    from index.settings import AnswerSettings

    hit = _two_sentences("Thành phố có 711.988 hộ dân, trong đó 56,2% có việc làm ổn định. ",
                         "Hội nghị kết thúc.", (0.9, 0.5))
    answerer = Answerer({}, lambda term: 1.0, AnswerSettings())
    for question, short in [("Bao nhiêu phần trăm hộ dân có việc làm ổn định?", "56,2%"),
                            ("What percentage of households have stable jobs?", "56,2%"),
                            ("Thành phố có bao nhiêu hộ dân?", "711.988"),
                            ("How many households does the city have?", "711.988")]:
        assert _short_answer(question, answerer.candidates(question, [hit])[0]) == short, question
    # Of two counts, the one of the thing counted ("bao nhiêu đại biểu" → "220 đại biểu").
    two = _two_sentences("Đại biểu dự Hội nghị gồm 47 ủy viên và khách mời, tổng cộng 220 đại biểu. ",
                         "Hết.", (0.9, 0.5))
    question = "Hội nghị có bao nhiêu đại biểu?"
    assert _short_answer(question, answerer.candidates(question, [two])[0]) == "220"
    # A sentence holding only a count does not hold the percentage asked for.
    counts = _two_sentences("Thành phố có 711.988 hộ dân. ", "Hội nghị kết thúc.", (0.9, 0.5))
    assert answerer.candidates("Bao nhiêu phần trăm hộ dân?", [counts])[0].features[2] == 0.0
    assert answerer.candidates("Thành phố có bao nhiêu hộ dân?", [counts])[0].features[2] == 1.0


def test_question_words_are_dropped_as_written_so_their_folded_twins_count() -> None:
    from api.answer import _query_terms

    # "đầu" (đầu tư) is content; "đâu" (where) and "bao nhiêu" are not. Typed bare, both fold alike.
    assert "dau" in _query_terms("Tỷ lệ giải ngân vốn đầu tư công là bao nhiêu?", "vi")
    assert _query_terms("Hội nghị họp ở đâu?", "vi") == ["hoi", "nghi", "hop", "o"]
    assert "nhieu" not in _query_terms("Tỷ lệ là bao nhiêu?", "vi")
    assert "dau" not in _query_terms("hoi nghi hop o dau", "vi")
    assert "may" not in _query_terms("Hội nghị diễn ra trong mấy ngày?", "vi")
    assert "may" in _query_terms("nganh det may tang bao nhieu", "vi")


def test_the_sentence_holding_the_questions_word_pair_ranks_first_and_support_is_unchanged() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings

    # Same words, same cosine: only the second sentence keeps "vốn đầu" / "đầu tư" together.
    hit = _two_sentences("Tư vấn đầu mối cho vốn công. ", "Vốn đầu tư công được giải ngân.", (0.80, 0.80))
    ranked = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates("Vốn đầu tư công ra sao?", [hit])
    assert ranked[0].text.startswith("Vốn đầu tư công")
    assert ranked[0].score > ranked[1].score
    without = Answerer({}, lambda term: 1.0, AnswerSettings(pair_share=0.0)).candidates(
        "Vốn đầu tư công ra sao?", [hit])
    assert sorted(c.support for c in ranked) == sorted(c.support for c in without)


def test_a_sentence_near_every_question_counts_less_for_english_questions() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings

    hit = _two_sentences("Hội nghị đã hoàn thành nội dung chương trình đề ra. ",
                         "Thành phố phấn đấu giải ngân vốn đầu tư công trên 95%.", (0.80, 0.79))
    hit = replace(hit, sentence_generic=(0.05, -0.02))  # the first is near the empty question
    settings = AnswerSettings(lexical_weight_en=0.0, type_weight=0.0, generic_weight_vi=0.0)
    answerer = Answerer({}, lambda term: 1.0, settings)
    ranked = answerer.candidates("What disbursement rate does the city aim for?", [hit])
    assert ranked[0].text.startswith("Thành phố phấn đấu")
    w = settings.generic_weight_en
    assert {round(c.support, 9) for c in ranked} == {round(0.80 - w * 0.05 + 0.05, 9),
                                                      round(0.79 + w * 0.02 + 0.05, 9)}
    # Vietnamese questions (weight 0 by default) order by the cosine as before.
    vi = answerer.candidates("Hội nghị đạt kết quả gì?", [hit])
    assert vi[0].text.startswith("Hội nghị") and vi[0].features[0] == 0.80


def test_an_order_only_sweep_keeps_each_sentences_support() -> None:
    from api.answer import Answerer
    from eval.sweep import OrderOnly
    from index.settings import AnswerSettings

    hit = _two_sentences("Hội nghị bàn về tăng trưởng. ", "Tăng trưởng GRDP đạt 6,46%.", (0.80, 0.79))
    base = Answerer({}, lambda term: 1.0, AnswerSettings())
    question = "Tăng trưởng GRDP đạt bao nhiêu?"
    swept = OrderOnly(base, replace(AnswerSettings(), type_weight=0.5)).candidates(question, [hit])
    plain = base.candidates(question, [hit])
    assert {(c.start, c.support) for c in swept} == {(c.start, c.support) for c in plain}
    assert max(c.score for c in swept) > max(c.score for c in plain)  # the percentage weighs more


def test_the_documents_title_is_not_an_answer() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings
    from index.types import Document, DocumentMeta

    title = "Kết quả Hội nghị lần thứ 31 Ban Chấp hành Đảng bộ Thành phố khóa XI"
    statement = "Hội nghị đã biểu quyết thông qua Nghị quyết lần thứ 31."
    hit = _two_sentences(title + "\n", statement, (0.85, 0.80))
    document = Document(id="d", name="d", source="d.txt", sha256="0", text=hit.passage.text, pages=(),
                        meta=DocumentMeta(title=title))
    question = "Who chaired the 31st conference?"
    untitled = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates(question, [hit])
    assert untitled[0].text == title  # a heading-like line the passage's sections do not name
    titled = Answerer({"d": document}, lambda term: 1.0, AnswerSettings()).candidates(question, [hit])
    assert [c.text for c in titled] == [statement]


def test_the_titles_phrases_count_in_every_sentence_for_order_and_not_in_the_support() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings
    from index.types import Document, DocumentMeta

    title = "Kết quả Hội nghị lần thứ 24 Ban Chấp hành Đảng bộ thành phố"
    restates = "Sau 01 ngày làm việc, Hội nghị lần thứ 24 đã hoàn thành chương trình. "
    answers = "Đồng chí Nguyễn Văn Nên chủ trì Hội nghị."
    hit = _two_sentences(restates, answers, (0.88, 0.85))
    document = Document(id="d", name="d", source="d.txt", sha256="0", text=hit.passage.text, pages=(),
                        meta=DocumentMeta(title=title))
    question = "Ai chủ trì Hội nghị lần thứ 24?"
    untitled = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates(question, [hit])
    assert untitled[0].text == restates.strip()  # it says "lần thứ 24"; the answer does not
    titled = Answerer({"d": document}, lambda term: 1.0, AnswerSettings()).candidates(question, [hit])
    assert titled[0].text == answers  # the title says it for every sentence of the record
    # The support leaves the title's phrases out: they say which record, not what it holds. The
    # sentence that only restates the conference loses support, the one saying who chaired gains.
    before = {c.text: c.support for c in untitled}
    after = {c.text: c.support for c in titled}
    assert after[restates.strip()] < before[restates.strip()]
    assert after[answers] > before[answers]
    # A question the record does not answer no longer draws support from naming the conference.
    unanswerable = "Hội nghị lần thứ 24 quyết định xây bao nhiêu bệnh viện mới?"
    assert max(c.support for c in Answerer({"d": document}, lambda term: 1.0, AnswerSettings())
               .candidates(unanswerable, [hit])) < \
        max(c.support for c in Answerer({}, lambda term: 1.0, AnswerSettings())
            .candidates(unanswerable, [hit]))
    # An English question's terms are its numbers and names: those in the title count likewise
    # for the order, and stay in the support (they are all it can match).
    english = "Who chaired the 24th conference?"
    plain = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates(english, [hit])
    assert plain[0].text == restates.strip()
    with_title = Answerer({"d": document}, lambda term: 1.0, AnswerSettings()).candidates(english, [hit])
    assert with_title[0].text == answers
    assert sorted(c.support for c in with_title) == sorted(c.support for c in plain)


def test_spans_are_found_in_the_corrected_sentence_and_quoted_as_written() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings

    written = "Ngày 02 thảng 12 năm 2023, Hội nghị được tổ chức tại Hội trường thành phố."
    corrected = written.replace("thảng", "tháng")  # the OCR correction: same length, same offsets
    passage = Passage(id="p", document_id="d", text=written, start=0, end=len(written), page=1,
                      sentences=((0, len(written)),), search_text=corrected)
    best = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates(
        "Hội nghị diễn ra khi nào?", [Hit(passage, 0.5, sentence_scores=(0.8,))])[0]
    assert [sp.text for sp in best.spans] == ["Ngày 02 thảng 12 năm 2023"]
    assert written[best.spans[0].start:best.spans[0].end] == best.spans[0].text


def test_a_heading_that_states_who_did_what_is_an_answer_a_topic_heading_is_not() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings

    statement = "4. Đồng chí Nguyễn Văn Nên, Ủy viên Bộ Chính trị, Bí thư Thành ủy, kết luận Hội nghị."
    named = "1. Đồng chí Nguyễn Văn Nên, Bí thư Thành ủy, phát biểu khai mạc Hội nghị"  # no full stop
    topic = "3. Nhiệm vụ, giải pháp trọng tâm năm 2024"
    body = "Hội nghị thống nhất các nhóm nhiệm vụ trọng tâm của thành phố."
    answerer = Answerer({}, lambda term: 1.0, AnswerSettings())
    for heading, kept in ((statement, True), (named, True), (topic, False)):
        hit = _two_sentences(heading + "\n", body, (0.90, 0.80))
        hit = replace(hit, passage=replace(hit.passage, section=(heading,)))
        texts = [c.text for c in answerer.candidates("Ai kết luận Hội nghị?", [hit])]
        assert (heading in texts) is kept and body in texts


def _best_of(sentence: str, question: str):  # type: ignore[no-untyped-def]
    """The best candidate for ``question`` of a passage holding ``sentence`` after a plain one."""
    from api.answer import Answerer
    from index.settings import AnswerSettings

    hit = _two_sentences("Hội nghị đánh giá tình hình kinh tế. ", sentence, (0.70, 0.90))
    best = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates(question, [hit])[0]
    assert best.text == sentence
    return best


_BUDGET = ("Xuất khẩu tăng 1,2%; nhập khẩu giảm 13%); thu ngân sách chưa đạt dự toán đề ra "
           "(chỉ đạt 93,53% dự toán).")
_GROWTH = ("Mức tăng trưởng GRDP chỉ đạt 6,46%, so với mục tiêu đề ra là 7,5 - 8%; tăng trưởng tín "
           "dụng thấp.")


@pytest.mark.parametrize(("sentence", "question", "short"), [
    # "13%" is nearer "thu ngân sách" in characters but in the clause before the semicolon.
    (_BUDGET, "Thu ngân sách năm 2023 đạt bao nhiêu?", "93,53%"),
    (_BUDGET, "Nhập khẩu giảm bao nhiêu?", "13%"),
    # "mục tiêu … là" precedes 7,5 - 8%; after 6,46% it counts as twice as far.
    (_GROWTH, "Mục tiêu tăng trưởng GRDP năm 2024 là bao nhiêu?", "7,5 - 8%"),
    (_GROWTH, "Tăng trưởng GRDP đạt bao nhiêu?", "6,46%"),
])
def test_the_short_answer_is_the_value_said_of_the_questions_words(
        sentence: str, question: str, short: str) -> None:
    from api.answer import _short_answer

    assert _short_answer(question, _best_of(sentence, question)) == short


def test_a_span_the_question_already_says_is_no_answer() -> None:
    from api.answer import _said_by

    question = normalise("Ai là thủ quân lớn tuổi nhất chơi trong một trận Super Bowl?")
    assert _said_by("Super Bowls", question)  # each word, the plural as its singular
    assert not _said_by("Peyton Manning", question)
    # A number is said only as written: "6%" answers a question about "6 tháng".
    assert not _said_by("6%", normalise("6 tháng đầu năm tăng bao nhiêu?"))
    assert _said_by("năm 2024", normalise("Năm 2024 mục tiêu là gì?"))


def test_a_question_naming_a_conference_searches_its_records(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for number, groups in ((24, 11), (31, 12)):
        (docs / f"hn{number}.txt").write_text(
            f"THÔNG BÁO KẾT QUẢ HỘI NGHỊ LẦN THỨ {number}\n\nHội nghị thống nhất {groups} nhóm nhiệm "
            f"vụ trọng tâm của thành phố trong năm tới và giao các cơ quan triển khai thực hiện.\n",
            encoding="utf-8")
    service = Service(fake_settings(tmp_path / "index"), FakeEmbedder())
    service.ingest([docs])
    numbers = {d.meta.conference_number: d.id for d in service.documents()}
    for number, groups in ((24, "11"), (31, "12")):
        question = f"Hội nghị lần thứ {number} thống nhất bao nhiêu nhóm nhiệm vụ?"
        answer = service.ask(question)
        assert answer.short_answer == groups
        assert {c.document.id for c in answer.citations} == {numbers[number]}
        assert {h.passage.document_id for h in service.search(question)} == {numbers[number]}
    # A number no document has, or none at all: every document is searched.
    assert len({h.passage.document_id for h in service.search("Hội nghị lần thứ 9 nhóm nhiệm vụ")}) == 2
    # Documents chosen by the caller are kept as chosen.
    chosen = service.ask("Hội nghị lần thứ 24 thống nhất bao nhiêu nhóm nhiệm vụ?",
                         document_ids=[numbers[31]])
    assert chosen.short_answer == "12"


def test_a_roman_numeral_in_capitals_matches_the_number_a_question_writes() -> None:
    from api.answer import _query_terms, _words

    assert _words("Đại hội XII, khóa XI, Nghị quyết Đại hội XIII") == [
        "dai", "hoi", "12", "khoa", "11", "nghi", "quyet", "dai", "hoi", "13"]
    # Lower case is a word ("xi măng"), one capital letter a word or an initial.
    assert _words("xi măng, Mục I, V. I. Lenin") == ["xi", "mang", "muc", "i", "v", "i", "lenin"]
    assert "12" in _query_terms("What is the theme of the 12th Congress?", "en")
    assert _query_terms("Đại hội XII có chủ đề gì?", "vi") == _query_terms("Đại hội 12 có chủ đề gì?", "vi")


def test_the_12th_congress_is_the_sentence_about_congress_xii_not_xiii() -> None:
    from api.answer import Answerer
    from index.settings import AnswerSettings

    hit = _two_sentences("Chủ đề Đại hội XIII là đổi mới. ", "Chủ đề Đại hội XII là đoàn kết.", (0.80, 0.80))
    ranked = Answerer({}, lambda term: 1.0, AnswerSettings()).candidates(
        "What is the theme of the 12th Congress?", [hit])
    assert ranked[0].text.startswith("Chủ đề Đại hội XII ") and ranked[0].features[1] > ranked[1].features[1]


def test_a_question_writing_a_roman_numeral_finds_it_for_the_short_answer() -> None:
    from api.answer import _short_answer

    sentence = "Đại hội XII chọn “Đoàn kết - Đột phá”, còn Đại hội XIII chọn “Đổi mới - Sáng tạo”."
    for question in ("Đại hội XIII chọn phương châm gì?", "Which motto did the 13th Congress choose?"):
        assert _short_answer(question, _best_of(sentence, question)) == "Đổi mới - Sáng tạo"
