"""Token states for re-ranking: quantisation, MaxSim, storage through ingest, removal and load,
and the re-ranking of English questions' hits."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.builder import remove_documents
from index.hybrid import HybridRetriever
from index.settings import Settings
from index.store import IndexStore
from index.tokens import PassageTokens, TokenStates
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, FakeEmbedder, FakeTokenEmbedder


def test_quantised_states_keep_their_direction() -> None:
    states = np.random.default_rng(0).normal(size=(50, 384)).astype(np.float32) * 7
    q = PassageTokens.quantise(states)
    assert q.states.dtype == np.int8 and q.scales.shape == (50,)
    back = q.states.astype(np.float32) * q.scales[:, None]
    unit = states / np.linalg.norm(states, axis=1, keepdims=True)
    cosine = (back * unit).sum(axis=1) / np.linalg.norm(back, axis=1)
    assert cosine.min() > 0.9999


def test_maxsim_is_the_mean_best_cosine_of_the_question_tokens() -> None:
    eye = np.eye(4, dtype=np.float32)
    parts = [PassageTokens.quantise(eye[[0, 1]]), PassageTokens.quantise(eye[[2]])]
    tokens = TokenStates(np.concatenate([p.states for p in parts]), np.concatenate([p.scales for p in parts]),
                         np.array([2, 1]))
    query = eye[[0, 2]]
    # passage 0 holds token 0 (cosine 1) but not 2 (0); passage 1 holds 2 but not 0.
    assert np.allclose(tokens.maxsim(query, [0, 1]), [0.5, 0.5])
    assert np.allclose(tokens.maxsim(eye[[1]], [1, 0]), [0.0, 1.0])
    assert tokens.maxsim(np.zeros((0, 4), np.float32), [0]).tolist() == [0.0]


def test_token_states_survive_ingest_removal_and_load(settings: Settings, tmp_path: Path) -> None:
    embedder = FakeTokenEmbedder()
    store = IndexStore(settings.index_dir)
    extra = tmp_path / "extra.txt"
    extra.write_text("Hội nghị lần thứ 7 thông qua ngân sách giáo dục năm 2025.", encoding="utf-8")
    ingest_paths([CORPUS, extra], store, embedder, settings)
    snapshot = store.load()
    assert snapshot.tokens is not None and snapshot.tokens.passages == len(snapshot.passages)
    for row, passage in enumerate(snapshot.passages):  # each passage's rows are its own tokens
        stored = snapshot.tokens.passage(row)
        assert len(stored.states) == len(embedder._states(passage.embed_text))
    extra_id = next(d.id for d in snapshot.documents.values() if d.name == "extra")
    remove_documents(store, {extra_id})
    after = store.load()
    assert after.tokens is not None and after.tokens.passages == len(after.passages)
    kept = [i for i, p in enumerate(snapshot.passages) if p.document_id != extra_id]
    for new_row, old_row in enumerate(kept):
        assert np.array_equal(after.tokens.passage(new_row).states, snapshot.tokens.passage(old_row).states)


def test_an_embedder_without_token_states_leaves_the_index_without(settings: Settings,
                                                                   fake_embedder: FakeEmbedder) -> None:
    store = IndexStore(settings.index_dir)
    ingest_paths([CORPUS], store, fake_embedder, settings)
    assert store.load().tokens is None
    assert not any(p.name.startswith("token") for p in store.current_dir().iterdir())


def _retriever(settings: Settings, tmp_path: Path, **retrieval: float) -> HybridRetriever:
    (tmp_path / "a.txt").write_text("Năm 2024 ngân sách năm 2024 tăng, 2024 là năm bản lề.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Hội đồng thông qua budget review năm 2024.", encoding="utf-8")
    embedder = FakeTokenEmbedder()
    store = IndexStore(settings.index_dir)
    ingest_paths([tmp_path / "a.txt", tmp_path / "b.txt"], store, embedder, settings)
    return HybridRetriever(store.load(lexical=True), embedder, replace(settings.retrieval, **retrieval))


def test_english_hits_are_reranked_by_token_states(settings: Settings, tmp_path: Path) -> None:
    retriever = _retriever(settings, tmp_path, token_weight_en=1.0)
    hits = retriever.search("What about the budget review of 2024?", k=2)
    assert "budget review" in hits[0].passage.text  # every question token has its match there
    assert all(h.token_score is not None and h.fused_score is not None for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score == pytest.approx(hits[0].token_score)


def test_reranked_score_blends_fused_and_token_scores(settings: Settings, tmp_path: Path) -> None:
    retriever = _retriever(settings, tmp_path, token_weight_en=0.5)
    for hit in retriever.search("What about the budget review of 2024?", k=2):
        assert hit.token_score is not None and hit.fused_score is not None
        assert hit.score == pytest.approx(0.5 * hit.fused_score + 0.5 * hit.token_score)
        assert hit.fused == hit.fused_score


def test_weight_zero_and_vietnamese_questions_keep_the_fused_order(settings: Settings,
                                                                    tmp_path: Path) -> None:
    retriever = _retriever(settings, tmp_path, token_weight_en=0.0)
    for question in ("What about the budget review of 2024?", "ngân sách năm 2024 thế nào?"):
        hits = retriever.search(question, k=2)
        assert all(h.fused_score is None and h.token_score is None for h in hits)
        assert all(h.fused == h.score for h in hits)


def test_past_the_limit_the_index_is_kept_without_token_states(settings: Settings) -> None:
    limited = replace(settings, dense=replace(settings.dense, token_states_max=100))
    store = IndexStore(limited.index_dir, limited.dense)
    report = ingest_paths([CORPUS], store, FakeTokenEmbedder(), limited)
    assert len(report.added) == 2
    snapshot = store.load()
    assert snapshot.tokens is None and len(snapshot.passages) > 50
    assert not list(limited.index_dir.glob(".tokens.*"))  # the partial files are gone


def test_a_dead_writers_token_files_are_removed_by_the_next(settings: Settings, tmp_path: Path) -> None:
    stale = settings.index_dir / ".tokens.dead"
    stale.mkdir(parents=True)
    (stale / "tokens.i8").write_bytes(b"\0" * 64)
    doc = tmp_path / "a.txt"
    doc.write_text("Hội nghị lần thứ 5 bàn về ngân sách.", encoding="utf-8")
    ingest_paths([doc], IndexStore(settings.index_dir), FakeTokenEmbedder(), settings)
    assert not stale.exists()
    assert IndexStore(settings.index_dir).load().tokens is not None


def test_removing_every_document_leaves_empty_token_states(settings: Settings) -> None:
    store = IndexStore(settings.index_dir)
    ingest_paths([CORPUS], store, FakeTokenEmbedder(), settings)
    remove_documents(store, set(store.load().documents))
    after = store.load()
    assert after.tokens is not None and after.tokens.passages == 0 and not after.passages
    assert not list(settings.index_dir.glob(".tokens.*"))
