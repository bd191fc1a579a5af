"""BM25 over syllables, as written and diacritic-folded, so OCR mark errors and bare queries match."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.text import fold, tokens

_FOLDED = "~"  # prefix that keeps folded forms apart from written ones in one vocabulary


def document_terms(text: str, folded: dict[str, str] | None = None) -> list[str]:
    """Each syllable twice: as written (lower-case) and folded (``~tang`` for tăng/tặng/tầng).
    ``folded`` memoises the folded forms across the texts of one index: a corpus repeats a few
    thousand syllables millions of times (100k passages: 7M folds, most of a 56 s load)."""
    written = tokens(text)
    memo: dict[str, str] = {} if folded is None else folded
    return written + [memo.get(t) or memo.setdefault(t, _FOLDED + fold(t)) for t in written]


def query_terms(text: str, *, folded: bool = True) -> list[str]:
    """Query terms; ``folded=False`` keeps only written forms (for English anchor words)."""
    written = tokens(text)
    return written + [_FOLDED + fold(t) for t in written] if folded else written


class LexicalIndex:
    """A bm25s index over passages' texts, rebuilt from the texts when loaded."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        self._term_max: dict[str, float] = {}
        self._df: dict[str, int] = {}
        if texts:
            # Term ids as compact arrays, one document at a time: a million passages as lists of
            # term strings took more than 20 GB before bm25s had started (bench/scale.py).
            vocab: defaultdict[str, int] = defaultdict()
            vocab.default_factory = vocab.__len__  # a new term gets the next id
            folded: dict[str, str] = {}
            ids = [np.array([vocab[t] for t in document_terms(text, folded)], dtype=np.int32)
                   for text in texts]
            self._bm25.index((ids, dict(vocab)), show_progress=False)
            del ids
            data, indptr = self._bm25.scores["data"], self._bm25.scores["indptr"]
            for term, column in self._bm25.vocab_dict.items():
                if column + 1 >= len(indptr):
                    continue  # bm25s's placeholder for the empty token
                lo, hi = int(indptr[column]), int(indptr[column + 1])
                if hi > lo:
                    self._term_max[term] = float(data[lo:hi].max())
                    self._df[term] = hi - lo

    def save(self, folder: Path) -> None:
        """Write the index to a new directory ``folder`` (bm25s arrays and the term statistics)."""
        folder.mkdir()
        if self.size:
            self._bm25.save(str(folder), show_progress=False)
        (folder / "terms.json").write_text(json.dumps(
            {"passages": self.size, "term_max": self._term_max, "df": self._df}, ensure_ascii=False),
            encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """An index written by ``save``, its score arrays memory-mapped (100k passages: 0.x s
        instead of rebuilding it from the texts in 13 s)."""
        import bm25s

        terms = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        index = cls([])
        index.size = int(terms["passages"])
        index._term_max = {t: float(v) for t, v in terms["term_max"].items()}
        index._df = {t: int(v) for t, v in terms["df"].items()}
        if index.size:
            index._bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        return index

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a term; unseen terms get the largest value."""
        df = self._df.get(term, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def upper_bound(self, terms: list[str]) -> float:
        """The most any passage could score for ``terms``: the sum of each term's best score.

        Dividing by it puts BM25 on a fixed 0-1 scale, so a query whose only matches are common
        words ("Hồ Chí Minh" in every passage) does not look like a perfect lexical match.
        """
        return sum(self._term_max.get(t, 0.0) for t in terms)

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query terms (zeros when nothing matches)."""
        if self.size == 0 or not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
