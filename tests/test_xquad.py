"""XQuAD retrieval gate: Vietnamese and English questions over the 240 Vietnamese contexts (slow)."""

import pytest

from eval.retrieval import DATA, xquad_retrieval
from index.settings import Settings

pytestmark = pytest.mark.slow


def test_xquad_retrieval_targets(model_cache, real_embedder) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    settings = replace(Settings(), model=replace(Settings().model, cache_dir=model_cache))
    result = xquad_retrieval(settings, DATA / "xquad" / "xquad.vi.json", DATA / "xquad" / "xquad.en.json",
                             embedder=real_embedder)
    assert result["vi->vi"]["questions"] == 1190 and result["en->vi"]["questions"] == 1190
    assert result["vi->vi"]["R@1"] >= 0.95, result
    assert result["en->vi"]["R@1"] >= 0.80, result
