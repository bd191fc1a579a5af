"""One settings object with nested groups, built once at an entry point and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

BUNDLED_MODEL = "bundled:multilingual-e5-small"


def _data_home() -> Path:
    from platformdirs import user_data_path

    return Path(user_data_path("hoinghi", appauthor=False))


@dataclass(frozen=True)
class ModelSettings:
    """Which embedding model to use and where converted weights are cached."""

    name: str = BUNDLED_MODEL  # or any sentence-transformers name or path
    cache_dir: Path = field(default_factory=lambda: _data_home() / "models")
    batch_size: int = 16
    query_prompt: str = "query: "  # prompts for non-bundled e5-style models
    passage_prompt: str = "passage: "


@dataclass(frozen=True)
class ChunkSettings:
    """How documents are cut into passages (recorded in the index manifest)."""

    max_tokens: int = 200  # per passage including the section prefix; the model window is 512
    min_tokens: int = 40  # a shorter trailing piece joins its neighbour within the section


@dataclass(frozen=True)
class RetrievalSettings:
    """Hybrid fusion: dense cosine plus BM25, weighted by query language."""

    candidates: int = 50
    lexical_weight_vi: float = 0.6
    lexical_weight_en: float = 0.15


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: _data_home() / "index")
    model: ModelSettings = field(default_factory=ModelSettings)
    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)

    @classmethod
    def from_env(cls, index_dir: Path | None = None, model: str | None = None) -> Settings:
        """Defaults, overridden by HOINGHI_* environment variables, overridden by arguments."""
        settings = cls()
        env_dir = os.environ.get("HOINGHI_INDEX_DIR")
        env_model = os.environ.get("HOINGHI_MODEL")
        env_cache = os.environ.get("HOINGHI_MODEL_CACHE")
        chosen_dir = index_dir or (Path(env_dir) if env_dir else None)
        if chosen_dir is not None:
            settings = replace(settings, index_dir=chosen_dir)
        model_settings = settings.model
        if model or env_model:
            model_settings = replace(model_settings, name=model or env_model or BUNDLED_MODEL)
        if env_cache:
            model_settings = replace(model_settings, cache_dir=Path(env_cache))
        return replace(settings, model=model_settings)
