"""Restore Vietnamese diacritics from a syllable bigram model learned from the indexed text.

Users type "muc tieu tang truong nam 2024" for "mục tiêu tăng trưởng năm 2024". Each bare
syllable could be many written syllables (tang: tăng, tầng, tặng, tang…); the model picks the
sequence the indexed documents make most likely (Viterbi over interpolated bigram
probabilities). Syllables that already carry marks are kept as typed, so half-accented questions
are completed, not rewritten.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from index.text import fold, has_vietnamese_marks, nfc

_SYLLABLE = re.compile(r"[^\W\d_]+")
_LAMBDA = 0.8  # weight of the bigram estimate against the unigram one
# How questions are asked, which conference records rarely say: interrogatives seed the model.
QUESTION_WORDS = """bao nhiêu. là bao nhiêu. có bao nhiêu. mấy. nào. ở mức nào. năm nào. khi nào.
bao giờ. ai. là ai. gì. là gì. ở đâu. như thế nào. thế nào. tại sao. vì sao. đạt bao nhiêu.
tăng bao nhiêu. giảm bao nhiêu. bao lâu"""


def _case_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


class DiacriticModel:
    """Syllable unigram and bigram counts of a corpus, indexed by folded form."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.unigrams: Counter[str] = Counter()
        self.bigrams: Counter[tuple[str, str]] = Counter()
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)
        for text in (*texts, QUESTION_WORDS.replace(". ", "\n")):
            for line in nfc(text).lower().splitlines():
                words = _SYLLABLE.findall(line)
                self.unigrams.update(words)
                self.bigrams.update(itertools.pairwise(words))
        for word, count in self.unigrams.items():
            self.forms[fold(word)][word] += count
        self.total = sum(self.unigrams.values()) or 1

    def _logp(self, prev: str | None, word: str) -> float:
        unigram = (self.unigrams.get(word, 0) + 0.1) / (self.total + 0.1 * len(self.unigrams) + 1)
        if prev is None or not self.unigrams.get(prev):
            return math.log(unigram)
        bigram = self.bigrams.get((prev, word), 0) / self.unigrams[prev]
        return math.log(_LAMBDA * bigram + (1 - _LAMBDA) * unigram)

    def restore(self, text: str) -> str:
        """``text`` with the diacritics of its bare syllables restored (spacing and case kept)."""
        spans = [(m.start(), m.end(), m.group(0)) for m in _SYLLABLE.finditer(text)]
        if not spans:
            return text
        options: list[list[str]] = []
        for _, _, word in spans:
            lower = word.lower()
            if has_vietnamese_marks(lower) or fold(lower) not in self.forms:
                options.append([lower])
            else:
                options.append(list(self.forms[fold(lower)]))
        # Viterbi over the candidate forms of each syllable.
        best: dict[str, tuple[float, list[str]]] = {
            w: (self._logp(None, w), [w]) for w in options[0]}
        for candidates in options[1:]:
            step: dict[str, tuple[float, list[str]]] = {}
            for w in candidates:
                score, path = max(((s + self._logp(p, w), path) for p, (s, path) in best.items()),
                                  key=lambda x: x[0])
                step[w] = (score, [*path, w])
            best = step
        chosen = max(best.values(), key=lambda x: x[0])[1]
        out, cursor = [], 0
        for (start, end, word), form in zip(spans, chosen, strict=True):
            out.append(text[cursor:start])
            out.append(word if form == word.lower() else _case_like(form, word))
            cursor = end
        out.append(text[cursor:])
        return "".join(out)


def mostly_bare(text: str, below: float = 0.5) -> bool:
    """True when fewer than ``below`` of the syllables carry marks: typed without diacritics.

    Vietnamese prose marks about three syllables in four, so an accented question stays as typed.
    """
    words = _SYLLABLE.findall(nfc(text))
    if not words:
        return False
    return sum(has_vietnamese_marks(w) for w in words) / len(words) < below
