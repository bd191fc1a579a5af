"""What kind of answer a question asks for, and where spans of that kind are in a sentence.

Rules are about the languages, not about any question: Vietnamese and English question words
(bao nhiêu / how much → a quantity; khi nào / when → a date; ai / who → a person; nào / which →
a named thing) and the shapes those answers take in Vietnamese official prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from index.text import VI_MARKED_LETTERS, fold, has_vietnamese_marks, is_vietnamese_syllable, nfc


class AnswerType(StrEnum):
    QUANTITY = "quantity"
    DATE = "date"
    PERSON = "person"
    NAMED = "named"


# Question words by answer type, Vietnamese as written and English. Cues are matched on the folded
# question, so unaccented questions classify too, but a word typed with marks must be a question
# word as written: folded, "khí nào" (which gas) reads as "khi nào" (when) and "lực nào" as "lúc
# nào". Word by word, so a half-accented question ("bao nhieu" in a marked sentence) still counts.
_CUE_WORDS: tuple[tuple[AnswerType, str, str], ...] = (
    (AnswerType.DATE, "khi nào|bao giờ|năm nào|tháng nào|ngày nào|thời gian nào|lúc nào",
     "when|what year|which year|what date|which month|what month"),
    (AnswerType.PERSON, "ai|người nào|vị nào|đồng chí nào", "who|whom|whose"),
    (AnswerType.QUANTITY, "bao nhiêu|tỷ lệ|tỉ lệ|mức nào|số lượng|mấy",
     "how much|how many|what percentage|what proportion|what share|what rate|what level|"
     "what amount|by what|rate|percent|percentage|target|growth|revenue|number of|ratio"),
    (AnswerType.NAMED, "nào|gì", "which|what"),
)
# "ai" (who) only as a word of its own: after a start, a space or nothing that joins words.
_CUES = tuple((kind, re.compile(rf"(?<![\w'’-])(?:{fold(vi)}|{en})\b")) for kind, vi, en in _CUE_WORDS)
_CUE_MARKED = frozenset(w for _, vi, _ in _CUE_WORDS for w in re.split(r"[|\s]", vi))
# Question words that count only typed with their marks: bare "may" is as often "máy" (machine),
# "may" (dệt may, textiles) or English "may" as "mấy" (how many). Also read by ``api.answer``.
MARKED_ONLY = frozenset({"mấy"})
_MARKED_ONLY_FOLDED = frozenset(fold(w) for w in MARKED_ONLY)
# "How many <noun>", "bao nhiêu <noun>", "mấy <noun>" ask for a count, which the records write as a
# bare integer ("220 đại biểu", "12 nhóm nhiệm vụ"). Vietnamese "bao nhiêu" after a verb, or before
# one of these words ("tăng bao nhiêu so với…", "bao nhiêu phần trăm"), asks for an amount.
_COUNT_CUE = re.compile(r"(?<!\w)(how many|bao nhieu|may)\s+([^\W\d_]+)")
_NOT_COUNTED = frozenset(fold(w) for w in """phần so trong về trên dưới khi để với vào tại ở của và
    là thì mà từ đến cho sau trước hơn nữa tiền""".split())

_NUM = r"\d+(?:[.,]\d+)*"
# What a number is counted in: a percentage (in signs or words), a multiplier and the currency or
# measure after it ("30 triệu bảng", "1,5 tỷ tấn", "50 nghìn"), or a unit of measure ("760 mm",
# "8.646 dặm vuông", "565 °C").
# ("bao nhiêu đại biểu" asks for the bare count: counted nouns and units of time, "220 đại biểu",
# "01 ngày", stay outside the span, except after a multiplier: "515 triệu năm", "2 triệu người").
_MEASURE = (r"(?i:đồng|USD|đô la|bảng|euro|tấn|km|mm|cm|m|kg|ha|dặm(?: vuông)?|"
            r"km2|km²|m2|m²|MW|kW|GW|°C|độ C|feet|inch)")
_UNIT = (rf"(?:\s*%|\s+phần trăm|\s+(?:(?:nghìn|ngàn|triệu)(?: tỷ)?|tỷ)"
         rf"(?:\s+(?:{_MEASURE}|người|lượt|năm))?|\s*{_MEASURE})")
_RANGE = r"(?:\s*[-–]\s*|\s+đến\s+)"  # "7,5 - 8%", "7 đến 10 phần trăm"
_QUANTITY = re.compile(
    rf"(?<![\w/])(?:{_NUM}(?:\s*%)?{_RANGE})?{_NUM}{_UNIT}?(?![\w/])"
)
_PERIOD = re.compile(rf"(?:19|20)\d\d{_RANGE}(?:19|20)\d\d")  # of years: a date, not a quantity
_YEAR_ONLY = re.compile(r"^(?:19|20)\d\d$")
# A year keeps what bounds or places it ("sau năm 1279", "mùa hè năm 1521"), a decade its
# "những" ("những năm 1970" is the 1970s, not 1970), a period both ends ("từ 2005 đến 2010").
_YEAR_BEFORE = r"(?:(?:cuối|đầu|giữa|sau|trước|mùa (?:xuân|hè|hạ|thu|đông))\s+)?"
_DATE = re.compile(
    r"(?:(?:từ\s+)?ngày\s+\d{1,2}(?:\s*(?:đến|-|–)\s*(?:ngày\s+)?\d{1,2})?\s+)?"
    r"tháng\s+\d{1,2}\s+năm\s+\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{4}"
    rf"|{_YEAR_BEFORE}(?:(?:những\s+)?năm|thập\s+(?:niên|kỷ))\s+\d{{4}}"
    r"(?:\s*(?:đến|-|–)\s*(?:năm\s+)?\d{4})?"
    r"|(?:từ\s+)?(?<!\d)(?:19|20)\d\d(?:\s*(?:đến|-|–)\s*(?:19|20)\d\d)?(?!\d)",
    re.IGNORECASE,
)
_SURNAMES = frozenset(
    """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Đoàn
    Lâm Mai Trịnh Cao Lương Tạ Châu Tô Tôn Thái Hà Kiều Quách Lưu Văn Từ Đàm Đào Nông Vương""".split()
)
# Letters by case, listed: the range À-Ỹ also holds lower-case letters (ủ, đ), so "Thành ủy" read
# as two capitalised words and hid the name after it.
_UPPER = "A-Z" + VI_MARKED_LETTERS.upper()
_LOWER = "a-z" + VI_MARKED_LETTERS
_TITLE_WORD = rf"[{_UPPER}][{_LOWER}]+"
# A surname and one to three more capitalised words; a capitalised word before it ("Ông", "Bà")
# is not part of the name.
_PERSON = re.compile(rf"(?<!\w)(?:{'|'.join(sorted(_SURNAMES, key=len, reverse=True))})"
                     rf"(?:\s+{_TITLE_WORD}){{1,3}}(?!\w)")
# A capitalised word that cannot be a Vietnamese syllable is a foreign name in Vietnamese text
# ("Peyton Manning", "Broncos").
# Its words may carry Latin accents ("Lothar de Maizière", "Ferenc Deák"), hyphens ("Louis-Joseph",
# "al-Turabi"), initials ("William E. Simon") and lower-case particles.
_LATIN_LOWER = "a-zß-öø-ÿ"
_NAME_WORD = rf"(?:(?:al|el)-)?[A-Z][{_LATIN_LOWER}]+(?:-[A-Z][{_LATIN_LOWER}]+)*"
_NAME_LINK = r"(?:[A-Z]\.|de|da|del|della|der|di|du|van|von|bin|ibn|la|le)"
_FOREIGN_NAME = re.compile(
    rf"(?<!\w){_NAME_WORD}(?:\s+(?:{_NAME_LINK}\s+)*{_NAME_WORD}){{0,3}}(?!\w)")
_NAME_LINK_WORD = re.compile(_NAME_LINK)
# Provinces whose names open with a surname ("Hà Nội" reads as Mr Hà Nội to the pattern above).
_PLACES = ("Hà Nội", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Cao Bằng", "Lâm Đồng", "Thái Bình",
           "Thái Nguyên")
_NOT_PERSON_BEFORE = re.compile(r"(phố|TP\.?|tỉnh|quận|huyện|tư tưởng|đường|cầu)\s*$", re.IGNORECASE)
# A Roman numeral (Đại hội XII, khóa XI) counts a congress or a term; it is not an acronym.
_ROMAN = r"M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})"
_NAMED = re.compile(
    r"[“\"]([^”\"]{3,300})[”\"]"  # a quoted name, motto or theme (a congress's runs to 270)
    # ASOCIO, MPEG-4 (not XII, nor the tail of a number: "Nghị quyết số 81/2023/QH15")
    rf"|(?<![\w/-])(?!{_ROMAN}(?!\w))[A-ZĐ][A-Z0-9Đ]{{2,}}(?:[-/][A-Z0-9]+)*\b"
    rf"|(?:[{_UPPER}]\w*)(?:\s*[-–]\s*[{_UPPER}]\w*(?:\s+[{_LOWER}]+)?){{2,}}"  # A - B - C
)


# A sentence whose subject is a pronoun names its person in an earlier sentence: "Anh ấy cũng
# là…", "Ông cho biết…", "Đồng chí nhấn mạnh…" (but "Đồng chí Nguyễn Văn Nên…" names him).
_PRONOUN_SUBJECT = re.compile(
    rf"^(?:(?:Anh|Ông|Bà|Cô|Chị|Cậu) (?:ấy|ta)|Họ|Nó|He|She|They|His|Her|Their)(?!\w)"
    rf"|^(?:Ông|Bà|Đồng chí) (?=[{_LOWER}])"
)


def opens_with_pronoun(sentence: str) -> bool:
    return _PRONOUN_SUBJECT.match(sentence) is not None


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    strong: bool = True  # False for a bare integer, which may be a count or an identifier


# A bare integer after these words, or followed by "-CT/TW" or "/2024", names something: a
# document, a term, or a day or month of a date ("ngày 13 đến ngày 14 tháng 6"; "6 tháng" counts);
# one opening the sentence or in parentheses of its own ("(4) Lãnh đạo…") numbers a list item.
_IDENTIFIER_BEFORE = re.compile(
    r"(số|thứ|khóa|khoá|lần|chỉ thị|kết luận|nghị quyết|quyết định|điều|khoản|mục|ngày|tháng|năm)\s*$",
    re.IGNORECASE,
)
_IDENTIFIER_AFTER = re.compile(r"^[-/.]\w")


def is_percentage(text: str) -> bool:
    return "%" in text or "phần trăm" in text.lower()


def _quantities(sentence: str) -> list[Span]:
    spans = []
    for m in _QUANTITY.finditer(sentence):
        text = m.group(0)
        bare = text.isdigit()
        if _PERIOD.fullmatch(text):
            continue
        if bare and (_YEAR_ONLY.match(text) or _IDENTIFIER_BEFORE.search(sentence[: m.start()])
                     or _IDENTIFIER_AFTER.match(sentence[m.end():]) or m.start() == 0
                     or sentence[m.start() - 1] + sentence[m.end():m.end() + 1] == "()"):
            continue
        spans.append(Span(m.start(), m.end(), text, strong=not bare))
    return spans


def _foreign_names(sentence: str) -> list[Span]:
    """Runs of capitalised words none of which is a Vietnamese syllable: names written as in
    their own language, which Vietnamese text keeps ("John Elway", "New England Patriots")."""
    spans = []
    for m in _FOREIGN_NAME.finditer(sentence):
        # The name: from its first word that is not a Vietnamese syllable ("Pháp Jean Ribault")
        # up to the next that is ("Vitamin E. Sau").
        start = end = None
        for word in re.finditer(r"\S+", m.group(0)):
            if _NAME_LINK_WORD.fullmatch(word.group(0)):
                continue
            if is_vietnamese_syllable(word.group(0)):
                if start is None:
                    continue
                break
            if start is None:
                start = m.start() + word.start()
            end = m.start() + word.end()
        if start is not None and end is not None:
            spans.append(Span(start, end, sentence[start:end]))
    return spans


def question_type(question: str) -> AnswerType | None:
    """The answer type a question asks for, or None when it does not say."""
    text, folded = _question_text(question)
    for kind, cue in _CUES:
        for match in cue.finditer(folded):
            if _cue_as_written(text[match.start():match.end()].split()):
                return kind
    return None


def _cue_as_written(words: list[str]) -> bool:
    """A cue's words typed with marks must be a question word as written; bare, not a word that
    counts only with its marks."""
    return all(w in _CUE_MARKED if has_vietnamese_marks(w) else w not in _MARKED_ONLY_FOLDED
               for w in words)


def _question_text(question: str) -> tuple[str, str]:
    """The question lower-cased as written and folded, at the same offsets (both folded when
    folding changes its length: there are no offsets then to check marks against)."""
    text = nfc(question).lower()
    folded = fold(text)
    return (folded if len(folded) != len(text) else text), folded


def counted_noun(question: str) -> str | None:
    """What a how-many question counts, folded ("dai" of "bao nhiêu đại biểu", "delegates" of
    "how many delegates"), or None when it asks no count."""
    text, folded = _question_text(question)
    for match in _COUNT_CUE.finditer(folded):
        english = match.group(1) == "how many"
        if _cue_as_written(text[match.start(1):match.end(1)].split()) and (
                english or match.group(2) not in _NOT_COUNTED):
            return match.group(2)
    return None


def asks_count(question: str) -> bool:
    """Whether the question asks how many of something there are (see ``_COUNT_CUE``)."""
    return counted_noun(question) is not None


_PERCENT_CUE = re.compile(r"(?<!\w)(?:phan tram|ty le|ti le|percent|percentage|proportion|rate)(?!\w)|%")


def asks_percentage(question: str) -> bool:
    """Whether the question asks for a percentage (phần trăm, tỷ lệ, what percentage, rate)."""
    return _PERCENT_CUE.search(_question_text(question)[1]) is not None


# A count followed by one of these counts time ("01 ngày làm việc", "6 tháng đầu năm"): it answers
# "how many days", not "how many delegates".
_TIME_UNITS = frozenset(fold(w) for w in """ngày tháng năm tuần giờ phút giây day days month months
    year years week weeks hour hours minute minutes decade decades century centuries""".split())


def _counts_time(sentence: str, end: int) -> bool:
    """Whether the number ending at ``end`` is followed by a unit of time."""
    words = fold(sentence[end:]).split()
    return bool(words) and words[0] in _TIME_UNITS


def find_spans(sentence: str, kind: AnswerType, counted: str | None = None) -> list[Span]:
    """Spans of ``sentence`` that could answer a question of type ``kind``; ``counted``: what a
    how-many question counts (``counted_noun``), for which a bare integer is as good an answer as
    a percentage, unless it counts time and the question does not."""
    if kind is AnswerType.QUANTITY:
        spans = _quantities(sentence)
        if counted is None:
            return spans
        return [replace(sp, strong=counted in _TIME_UNITS or not _counts_time(sentence, sp.end))
                for sp in spans]
    if kind is AnswerType.DATE:
        return [Span(m.start(), m.end(), m.group(0)) for m in _DATE.finditer(sentence)]
    if kind is AnswerType.PERSON:
        spans = []
        for m in _PERSON.finditer(sentence):
            place = any(m.group(0) == p or m.group(0).startswith(p + " ") for p in _PLACES)
            if not place and not _NOT_PERSON_BEFORE.search(sentence[: m.start()]):
                spans.append(Span(m.start(), m.end(), m.group(0)))
        return spans + _foreign_names(sentence)
    spans = []
    for m in _NAMED.finditer(sentence):
        start, end = (m.start(1), m.end(1)) if m.group(1) else (m.start(), m.end())
        spans.append(Span(start, end, sentence[start:end]))
    return spans
