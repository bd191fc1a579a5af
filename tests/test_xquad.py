"""XQuAD retrieval gate: Vietnamese and English questions over the 240 Vietnamese contexts (slow)."""

from dataclasses import replace

import pytest

from eval.xquad import evaluate_xquad
from index.settings import Settings

pytestmark = pytest.mark.slow


def test_xquad_retrieval_targets(model_cache, real_embedder) -> None:  # type: ignore[no-untyped-def]
    settings = replace(Settings(), model=replace(Settings().model, cache_dir=model_cache))
    result = evaluate_xquad(settings, answers=False, embedder=real_embedder)
    assert result["vi->vi"]["questions"] == 1190 and result["en->vi"]["questions"] == 1190
    assert result["vi->vi"]["R@1"] >= 0.95, result
    assert result["en->vi"]["R@1"] >= 0.80, result
