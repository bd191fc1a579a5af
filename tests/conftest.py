"""Shared fixtures: a deterministic fake embedder for unit tests, the real model once per session."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings

from index.settings import Settings
from index.text import fold, tokens

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "communiques"
DEV_QA = ROOT / "eval" / "data" / "dev_qa.jsonl"
USER_QA = ROOT / "eval" / "data" / "user_qa.jsonl"

# Property and schema tests draw the same examples every run: a test passes or fails on the code,
# not on the draw (a random schemathesis draw once failed CI on a case no earlier run had tried).
hypothesis_settings.register_profile("deterministic", derandomize=True)
hypothesis_settings.load_profile("deterministic")


class FakeEmbedder:
    """Hashed bag of folded syllables: deterministic, fast, and similar texts get similar vectors."""

    name = "fake-hash-64"
    dim = 64

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in tokens(text):
                h = int(hashlib.md5(fold(tok).encode()).hexdigest()[:8], 16)
                out[i, h % self.dim] += 1.0
            out[i, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def count_tokens(self, text: str) -> int:
        return 2 + len(text.split()) * 2


class FakeTokenEmbedder(FakeEmbedder):
    """The fake embedder with token states: one hashed vector per folded syllable."""

    name = "fake-hash-64-tokens"

    def _states(self, text: str) -> np.ndarray:
        rows = [self._embed([tok])[0] for tok in tokens(text)] or [np.eye(self.dim, dtype=np.float32)[0]]
        return np.stack(rows)

    def embed_passages_with_tokens(self, texts: Sequence[str], keep: Sequence[bool]):  # type: ignore[no-untyped-def]
        from index.tokens import PassageTokens

        states = [PassageTokens.quantise(self._states(t)) if k else None
                  for t, k in zip(texts, keep, strict=True)]
        return self._embed(texts), states

    def query_states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self._embed([text])[0], self._states(text)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def fake_settings(index_dir: Path) -> Settings:
    """Settings for the fake embedder, whose scores live on another scale than the real model's:
    its abstention thresholds are set to 0.5 (the real ones are calibrated for the real model)."""
    base = Settings()
    answer = replace(base.answer, abstain_below_vi=0.5, abstain_below_en=0.5)
    return replace(base, index_dir=index_dir, answer=answer)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return fake_settings(tmp_path / "index")


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    env = os.environ.get("HOINGHI_MODEL_CACHE")
    return Path(env) if env else tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def real_embedder(model_cache: Path):  # type: ignore[no-untyped-def]
    """The bundled multilingual-e5-small, converted and loaded once per test session."""
    from index.embed import load_embedder

    return load_embedder(replace(Settings().model, cache_dir=model_cache))


@pytest.fixture(scope="session")
def fake_bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus built with the fake embedder, once; copy it to modify it."""
    from api.service import Service

    index_dir = tmp_path_factory.mktemp("fake-bundled") / "index"
    Service(fake_settings(index_dir), FakeEmbedder()).ensure_index()
    return index_dir


@pytest.fixture
def fake_service(fake_bundled_index: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A service over a private copy of the fake bundled index."""
    import shutil

    from api.service import Service

    index_dir = tmp_path / "index"
    shutil.copytree(fake_bundled_index, index_dir)
    return Service(fake_settings(index_dir), FakeEmbedder())


@pytest.fixture(scope="session")
def corpus_service(real_embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The bundled corpus indexed with the real model, once per session (slow tests only)."""
    from api.service import Service

    settings = replace(Settings(), index_dir=tmp_path_factory.mktemp("index"))
    service = Service(settings, real_embedder)
    report = service.ensure_index()
    assert report is not None and len(report.added) == 2
    return service


def private_copy(service, index_dir: Path):  # type: ignore[no-untyped-def]
    """A service over a copy of ``service``'s index at ``index_dir``, same model, warmed up."""
    import shutil

    from api.service import Service

    shutil.copytree(service.settings.index_dir, index_dir)
    copy = Service(replace(service.settings, index_dir=index_dir), service.embedder)
    copy.warm()
    return copy


@contextmanager
def serve_on_loopback(service) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Run the HTTP app for ``service`` with uvicorn in a thread on a free loopback port."""
    import socket
    import threading
    import time

    import uvicorn

    from api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
