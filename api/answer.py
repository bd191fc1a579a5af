"""Extractive answers with citations: pick the sentence that answers, or abstain.

Each sentence of the retrieved passages is scored by its embedding similarity to the question,
its diacritic-folded lexical overlap with the question (weighted by BM25 idf), whether it holds a
span of the answer type the question asks for, and its passage's retrieval score. The best
sentence is the answer; a sentence in another document stating the same short answer is cited
beside it. When even the best sentence is a weak match the answer is "not found".
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from api.answer_types import (
    MARKED_ONLY,
    AnswerType,
    Span,
    asks_percentage,
    counted_noun,
    find_spans,
    is_percentage,
    opens_with_pronoun,
    question_type,
)
from index.settings import AnswerSettings
from index.text import anchor_tokens, detect_language, fold, has_vietnamese_marks, nfc, tokens
from index.types import Document, Hit

# Interrogatives carry no content to match (Vietnamese as written, and English). A word typed with
# marks is one only as written: folded, "đâu" (where) would take "đầu" (đầu tư, đầu năm) with it,
# "khi" "khí", "như" "nhu cầu" and "nhiêu" (bao nhiêu) "nhiều".
_QUESTION_WORDS = frozenset(
    "bao nhiêu mấy nào gì ai khi đâu sao thế như what which who whom whose when where how why".split()
)
_QUESTION_WORDS_FOLDED = frozenset(fold(w) for w in _QUESTION_WORDS - MARKED_ONLY)  # bare "may": content


def _is_question_word(token: str) -> bool:
    if has_vietnamese_marks(token):
        return nfc(token).lower() in _QUESTION_WORDS
    return fold(token) in _QUESTION_WORDS_FOLDED


NOT_FOUND = {
    "vi": "Không tìm thấy thông tin này trong các văn bản đã lập chỉ mục.",
    "en": "The indexed records do not contain this information.",
}


@dataclass(frozen=True)
class Citation:
    """A cited sentence: ``document.text[start:end] == sentence``, inside ``hit.passage``."""

    n: int
    hit: Hit
    document: Document
    sentence: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    short_answer: str | None
    found: bool
    language: str
    citations: tuple[Citation, ...] = ()
    # How well the records match the question, compared with the abstention threshold: the best
    # sentence score with the common answer-type bonus, not the larger one for names (which only
    # orders sentences: most sentences name someone, so it would lift unanswerable questions too).
    support: float = 0.0
    mode: str = "extractive"
    notice: str | None = None  # why a generative answer was not used, when it was asked for
    hits: tuple[Hit, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # document offsets of the sentence
    end: int
    text: str
    score: float
    spans: tuple[Span, ...]
    features: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # cosine, lexical, typed, hit
    support: float = 0.0  # ``score`` with ``type_weight`` for every answer type


def normalise(text: str) -> str:
    """Case, diacritics, decimal comma/point, dash kinds and spacing folded away (for matching)."""
    text = fold(nfc(text))
    text = re.sub(r"(?<=\d)\.(?=\d)", ",", text)
    text = re.sub(r"\s*[-–—]\s*", "-", text)
    return " ".join(text.split())


# A Roman numeral in capitals numbers a congress or a term ("Đại hội XII", "khóa XI"); questions
# write it as a number ("the 12th Congress", "Đại hội lần thứ 12"). Two letters at least: a lone
# "I" or "V" is a word or an initial as often as a number.
_ROMAN_NUMERAL = re.compile(r"\b(?=[IVX]{2,}\b)(X{0,3})(IX|IV|V?I{0,3})\b")
_ROMAN_UNITS = {"": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}


def _roman_value(match: re.Match[str]) -> str:
    return str(10 * len(match.group(1)) + _ROMAN_UNITS[match.group(2)])


def _numbered(text: str) -> str:
    """``text`` with each Roman numeral in capitals written as its number."""
    return _ROMAN_NUMERAL.sub(_roman_value, text)


def _words(text: str) -> list[str]:
    """Folded words (``tokens``), a Roman numeral in capitals as its number."""
    return [fold(t) for t in tokens(_numbered(text))]


def _content_words(question: str) -> list[str]:
    """The question's words, folded, in order, its question words left out."""
    return [fold(t) for t in tokens(_numbered(question)) if not _is_question_word(t)]


def _query_terms(question: str, language: str) -> list[str]:
    """Folded content terms of the question that can match Vietnamese text."""
    if language == "en":
        return list(dict.fromkeys(fold(t) for t in anchor_tokens(_numbered(question))
                                  if not _is_question_word(t)))
    return list(dict.fromkeys(_content_words(question)))


def _pairs(words: Iterable[str]) -> set[tuple[str, str]]:
    """Adjacent word pairs: Vietnamese words are mostly two syllables ("giải ngân", "dân số")."""
    return set(pairwise(words))


def _coverage(weights: dict[str, float], present: set[str]) -> float:
    """The idf-weighted share of the question's terms present."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


def _is_statement(text: str, headings: Sequence[str]) -> bool:
    """A sentence that can answer: not a numbering line or a separator, nor a heading (the
    document's title block included) unless the heading reads as a statement: it ends with a full
    stop or names a person ("4. Đồng chí Nguyễn Văn Nên, …, kết luận Hội nghị.")."""
    words = re.findall(r"[^\W\d_]+", text)
    stripped = text.strip()
    if len(words) < 4 or not any(w.islower() for w in words):
        return False
    if not any(stripped in h for h in headings):
        return True
    return stripped.endswith(".") or bool(find_spans(stripped, AnswerType.PERSON))


class Answerer:
    """Turns retrieved hits into an answer; holds the settings and the document table only."""

    def __init__(self, documents: dict[str, Document], idf: Callable[[str], float],
                 settings: AnswerSettings) -> None:
        self.documents = documents
        self.idf = idf
        self.settings = settings

    def threshold(self, language: str) -> float:
        s = self.settings
        return s.abstain_below_en if language == "en" else s.abstain_below_vi

    def candidates(self, question: str, hits: Sequence[Hit]) -> list[Candidate]:
        language = detect_language(question)
        kind, noun, percent = question_type(question), counted_noun(question), asks_percentage(question)
        count = noun is not None
        terms = _query_terms(question, language)
        weights = {t: self.idf("~" + t) for t in terms}
        pairs = _pairs(_content_words(question))
        folded_question = normalise(question)
        s = self.settings
        lexical_weight = s.lexical_weight_en if language == "en" else s.lexical_weight
        generic_weight = s.generic_weight_en if language == "en" else s.generic_weight_vi
        out = []
        for hit in hits:
            context = set(_words(hit.passage.embed_text))
            document = self.documents.get(hit.passage.document_id)
            headings = (*hit.passage.section, document.meta.title) if document else hit.passage.section
            # Every sentence of a record is about what its title names: the question's phrases
            # found in the title ("Hội nghị lần thứ 24") count as present in each sentence, so that
            # one restating the conference ("Sau 01 ngày làm việc, Hội nghị … lần thứ 24 … đã hoàn
            # thành…") gains nothing over the one that answers. Phrases, not single syllables: the
            # "kết" of the title's "Kết quả" is not the question's "kết luận".
            title = _words(document.meta.title) if document else []
            titled = pairs & _pairs(title)
            phrased = {w for pair in titled for w in pair}
            given = set(phrased)
            if language == "en":  # its terms are numbers and names, whole words already
                given |= set(terms) & set(title)
            # For the support, the title's phrases are no evidence either way: they say which
            # record, not what it holds ("Hội nghị lần thứ 31 báo cáo tỷ lệ thất nghiệp là bao
            # nhiêu?" had matched every sentence of that record on "hội nghị lần thứ 31" and was
            # answered). The rest of the question is what a sentence must hold; a question that
            # is all title keeps its coverage. An English question's numbers and names stay: they
            # are all it can match ("Ho Chi Minh" of "Who is the Secretary of the Ho Chi Minh …").
            asked = (({t: w for t, w in weights.items() if t not in phrased} or weights)
                     if phrased else weights)
            body = hit.passage.search_body  # OCR misreadings corrected; same offsets as the text
            generic = hit.sentence_generic or (0.0,) * len(hit.sentence_scores)
            for (start, end), cosine, common in zip(hit.passage.sentences, hit.sentence_scores, generic,
                                                    strict=False):
                text = hit.passage.text[start - hit.passage.start : end - hit.passage.start]
                if not _is_statement(text, headings):
                    continue
                searched = body[start - hit.passage.start : end - hit.passage.start]
                words = _words(searched)
                present = set(words)
                lexical = (_coverage(weights, present) + _coverage(weights, context)) / 2
                supported = ((_coverage(asked, present) + _coverage(asked, context)) / 2
                             if asked is not weights else lexical)
                spans = _answer_spans(searched, text, kind, folded_question, noun)
                # A named-thing span (any capitalised phrase) is too common to count as evidence.
                typed = (any(sp.strong and _agrees(sp, percent, count) for sp in spans)
                         if kind is AnswerType.QUANTITY
                         else bool(spans) and kind is not AnswerType.NAMED)
                type_weight = s.person_weight if kind is AnswerType.PERSON else s.type_weight
                relevance = (cosine - generic_weight * common + lexical_weight * lexical
                             + s.retrieval_weight * hit.fused)
                features = (cosine, lexical, float(typed), hit.fused)
                # The question's word pairs found in the sentence, and the words the title gives
                # it, order the sentences only: counted as present in the support, given words
                # lifted unanswerable questions that name a conference ("Hội nghị lần thứ 24 quyết
                # định xây bao nhiêu bệnh viện mới?"); the support leaves the title's phrases out.
                titled_lexical = (_coverage(weights, present | given)
                                  + _coverage(weights, context | given)) / 2 if given else lexical
                phrases = len(pairs & (_pairs(words) | titled)) / len(pairs) if pairs else 0.0
                order = (relevance + lexical_weight * (titled_lexical - lexical)
                         + lexical_weight * s.pair_share * phrases)
                support = relevance + lexical_weight * (supported - lexical) + s.type_weight * typed
                out.append(Candidate(hit, start, end, text, order + type_weight * typed, spans,
                                     features, support))
        return sorted(out, key=lambda c: -c.score)

    def answer(self, question: str, hits: Sequence[Hit],
               search: Callable[[str], Sequence[Hit]] | None = None) -> Answer:
        """The answer from ``hits``; ``search``, when given, looks for other documents that state
        the same short answer (the question with the answer appended), to cite them too."""
        language = detect_language(question)
        ranked = self.candidates(question, hits)
        threshold = self.threshold(language)
        support = max((c.support for c in ranked), default=0.0)
        if support < threshold:
            return Answer(question, NOT_FOUND[language], None, False, language,
                          support=support, hits=tuple(hits))
        best = _with_antecedent(ranked[0], question)
        short = _short_answer(question, best)
        chosen = [best]
        if short is not None:
            floor = max(threshold, best.score - self.settings.corroborate_within)
            pool = list(ranked[1:])
            if search is not None:
                seen = {h.passage.id for h in hits}
                extra = [h for h in search(f"{question} {short}") if h.passage.id not in seen]
                hits = [*hits, *extra]
                pool = sorted(pool + self.candidates(question, extra), key=lambda c: -c.score)
            chosen += _corroborating(pool, best, short, floor)
        citations = tuple(
            Citation(n, c.hit, self.documents[c.hit.passage.document_id], c.text, c.start, c.end,
                     round(c.score, 4))
            for n, c in enumerate(chosen, start=1)
        )
        text = " ".join(f"{c.sentence} [{c.n}]" for c in citations)
        return Answer(question, text, short, True, language, citations, support=support,
                      hits=tuple(hits))


def _answer_spans(searched: str, written: str, kind: AnswerType | None,
                  folded_question: str, counted: str | None = None) -> tuple[Span, ...]:
    """Spans of the kind asked for that the question does not already say, found in the sentence
    as searched (OCR misreadings corrected: "ngày 02 thảng 12" reads "tháng") and quoting it as
    ``written`` in the document, at the same offsets; ``counted``: what a how-many question counts."""
    if kind is None:
        return ()
    return tuple(replace(sp, text=written[sp.start:sp.end]) for sp in find_spans(searched, kind, counted)
                 if not _said_by(sp.text, folded_question))


def _said_by(span: str, folded_question: str) -> bool:
    """The question says the span already: as a phrase, or, for a span of words, each of its
    words, an English plural as its singular ("Super Bowls" answers no question about the Super
    Bowl; "6%" does answer one about "6 tháng")."""
    wanted = normalise(span)
    if wanted in folded_question:
        return True
    if not re.search(r"[^\W\d_]", wanted):
        return False
    words = set(re.findall(r"\w+", folded_question))
    return all(w in words or (w.endswith("s") and w[:-1] in words) for w in re.findall(r"\w+", wanted))


def _with_antecedent(best: Candidate, question: str, most: int = 2) -> Candidate:
    """A "who" answer whose sentence names nobody and opens with a pronoun ("Anh ấy cũng là thủ
    quân lớn tuổi nhất…") keeps the passage's sentences before it, back to the one that does not
    open with a pronoun (at most ``most`` more), where the name is."""
    kind = question_type(question)
    if kind is not AnswerType.PERSON or best.spans:
        return best
    passage = best.hit.passage
    starts = [s for s, _ in passage.sentences if s <= best.start]
    start = best.start
    while len(starts) > 1 and most > 0 and opens_with_pronoun(passage.text[start - passage.start:]):
        starts.pop()
        start, most = starts[-1], most - 1
    if start == best.start:
        return best
    text = passage.text[start - passage.start : best.end - passage.start]
    searched = passage.search_body[start - passage.start : best.end - passage.start]
    return replace(best, start=start, text=text,
                   spans=_answer_spans(searched, text, kind, normalise(question)))


def _agrees(span: Span, percent: bool, count: bool) -> bool:
    """A percentage answers "what percentage", a count "how many"; the other kind is about
    something else. Other quantity questions take either."""
    return not (percent or count) or is_percentage(span.text) == percent


def _short_answer(question: str, best: Candidate) -> str | None:
    """The answer-type span of the best sentence nearest the words it shares with the question."""
    if not best.spans:
        return None
    folded = fold(best.text)
    # The question's terms write Roman numerals as numbers (``_query_terms``): find "12" at "XII".
    romans: dict[str, list[int]] = {}
    for m in _ROMAN_NUMERAL.finditer(best.text):
        romans.setdefault(_roman_value(m), []).append(m.start())
    positions = [sorted([m.start() for m in re.finditer(rf"(?<!\w){re.escape(t)}(?!\w)", folded)]
                        + romans.get(t, []))
                 for t in _query_terms(question, detect_language(question))]
    positions = [p for p in positions if p]
    quantity = question_type(question) is AnswerType.QUANTITY
    noun = counted_noun(question) if quantity else None  # "220 đại biểu" answers "bao nhiêu đại biểu"
    strong = [sp for sp in best.spans if sp.strong]
    if not strong and noun is not None:
        return None  # a count of days answers no count of delegates (``find_spans``)
    strong = strong or list(best.spans)
    if quantity:
        strong = [sp for sp in strong if _agrees(sp, asks_percentage(question), noun is not None)] or strong
        if noun:
            strong = [sp for sp in strong if fold(best.text[sp.end:]).split()[:1] == [noun]] or strong
    if not positions:
        return strong[0].text.strip()
    clause = _clause_of(folded)

    def closeness(span: Span) -> tuple[float, float]:
        """Each question word found near the span counts, more the nearer it is: first those in
        the span's own clause (semicolons part the facts of a sentence: "nhập khẩu giảm 13%); thu
        ngân sách chưa đạt dự toán (chỉ đạt 93,53%"), then all."""
        here = clause(span.start)
        own = [[p for p in ps if clause(p) == here] for ps in positions]
        return _nearness(span, own), _nearness(span, positions)

    return max(strong, key=closeness).text.strip()


_AFTER_SPAN = 2.0


def _clause_of(text: str) -> Callable[[int], int]:
    """The number of the semicolon-separated clause of ``text`` that an offset falls in."""
    bounds = [m.start() for m in re.finditer(";", text)]
    return lambda offset: bisect.bisect_left(bounds, offset)


def _nearness(span: Span, positions: Sequence[Sequence[int]]) -> float:
    """Each question word's nearest occurrence counts, more the nearer; one after the span counts
    as twice as far: a value follows what it is said of ("mục tiêu đề ra là 7,5 - 8%", "thu ngân
    sách … chỉ đạt 93,53%").  XQuAD short answers, clause rule on, after-distance × 1 / 2 / 3:
    vi EM / F1 0.331 / 0.469, 0.331 / 0.467, 0.329 / 0.464; en 0.260 / 0.380, 0.263 / 0.383,
    0.263 / 0.382."""
    def distance(p: int) -> float:
        return span.start - p if p <= span.start else _AFTER_SPAN * (p - span.start)

    return sum(math.exp(-min(distance(p) for p in ps) / 30) for ps in positions if ps)


def _corroborating(rest: Sequence[Candidate], best: Candidate, short: str,
                   floor: float) -> list[Candidate]:
    """The best sentence of each other document that states the same short answer, if it scores
    at least ``floor`` (it would be an answer on its own, close to the best)."""
    wanted = normalise(short)
    seen: set[str] = {best.hit.passage.document_id}
    out = []
    for c in rest:
        doc = c.hit.passage.document_id
        if doc in seen or c.score < floor:
            continue
        if any(normalise(sp.text) == wanted for sp in c.spans):
            out.append(c)
            seen.add(doc)
    return out

