"""The question-vector cache in front of the embedder (no model needed)."""

import numpy as np

from index.embed import QueryCache
from tests.conftest import FakeEmbedder


class Counting(FakeEmbedder):
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_queries(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return super().embed_queries(texts)


def test_a_question_is_embedded_once() -> None:
    plain, inner = FakeEmbedder(), Counting()
    cache = QueryCache(inner, size=2)
    first = cache.embed_queries(["a b", "c d", "a b"])
    assert inner.calls == [["a b", "c d"]]
    assert np.allclose(first, plain.embed_queries(["a b", "c d", "a b"]))
    first[0] = 0.0  # the caller's copy, not the cached vector
    assert np.allclose(cache.embed_queries(["a b"]), plain.embed_queries(["a b"]))
    assert inner.calls == [["a b", "c d"]]


def test_the_least_recently_used_question_is_dropped() -> None:
    inner = Counting()
    cache = QueryCache(inner, size=2)
    cache.embed_queries(["a b", "c d"])
    cache.embed_queries(["a b"])  # "c d" is now the least recently used
    cache.embed_queries(["e f"])
    cache.embed_queries(["a b"])
    cache.embed_queries(["c d"])
    assert inner.calls == [["a b", "c d"], ["e f"], ["c d"]]


def test_passages_and_the_rest_pass_through() -> None:
    plain, cache = FakeEmbedder(), QueryCache(FakeEmbedder(), size=4)
    assert cache.embed_queries([]).shape == (0, plain.dim)
    assert np.allclose(cache.embed_passages(["x y"]), plain.embed_passages(["x y"]))
    assert (cache.name, cache.dim) == (plain.name, plain.dim)
    assert cache.count_tokens("a b") == plain.count_tokens("a b")
