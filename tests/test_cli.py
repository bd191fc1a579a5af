"""The ``hoinghi`` command line end to end with the real model (slow)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _run(*args: str, env_dir: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "HOINGHI_INDEX_DIR": str(env_dir), "HOINGHI_MODEL_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def test_first_search_indexes_bundled_corpus_then_docs_rm_and_errors(
        tmp_path: Path, model_cache: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    index_dir = tmp_path / "idx"
    first = _run("search", "What was the 2024 growth target?", "--json", "-k", "3",
                 env_dir=index_dir, cache=model_cache)
    assert first.returncode == 0, first.stderr
    hits = json.loads(first.stdout)["hits"]
    assert any("7,5 - 8%" in h["text"] for h in hits)
    fields = {"document_id", "title", "source", "page", "section", "text", "start", "end", "score"}
    assert fields <= set(hits[0])

    docs = json.loads(_run("docs", "--json", env_dir=index_dir, cache=model_cache).stdout)
    assert sorted(d["conference"] for d in docs) == [24, 31]

    extra = tmp_path / "note.txt"
    extra.write_text("Hội nghị lần thứ 5 bàn về ngân sách năm 2025.", encoding="utf-8")
    ingest = _run("ingest", str(extra), str(tmp_path / "missing.pdf"), "--json",
                  env_dir=index_dir, cache=model_cache)
    report = json.loads(ingest.stdout)
    assert len(report["added"]) == 1 and report["skipped"][0]["source"].endswith("missing.pdf")

    removed = _run("rm", report["added"][0]["id"], env_dir=index_dir, cache=model_cache)
    assert removed.returncode == 0
    assert len(json.loads(_run("docs", "--json", env_dir=index_dir, cache=model_cache).stdout)) == 2

    unknown = _run("rm", "nope", env_dir=index_dir, cache=model_cache)
    assert unknown.returncode == 5 and "no document with id 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
