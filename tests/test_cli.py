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
    corrected = {d["conference"]: d["ocr_corrected_passages"] for d in docs}
    assert corrected[24] > 0 and corrected[31] == 0  # the OCR'd communiqué is searched corrected

    extra = tmp_path / "note.txt"
    extra.write_text("Hội nghị lần thứ 5 bàn về ngân sách năm 2025.", encoding="utf-8")
    ingest = _run("ingest", str(extra), str(tmp_path / "missing.pdf"), "--json",
                  env_dir=index_dir, cache=model_cache)
    report = json.loads(ingest.stdout)
    assert len(report["added"]) == 1 and report["skipped"][0]["source"].endswith("missing.pdf")

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "old.doc").write_bytes(b"Word 97-2003")
    passed = _run("ingest", str(folder), env_dir=index_dir, cache=model_cache)
    assert "passed over 1 file of types" in passed.stdout and "--convert-to docx" in passed.stdout

    removed = _run("rm", report["added"][0]["id"], env_dir=index_dir, cache=model_cache)
    assert removed.returncode == 0
    assert len(json.loads(_run("docs", "--json", env_dir=index_dir, cache=model_cache).stdout)) == 2

    unknown = _run("rm", "nope", env_dir=index_dir, cache=model_cache)
    assert unknown.returncode == 5 and "no document with id 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    asked = _run("ask", "What was the 2024 growth target?", "--json", env_dir=index_dir, cache=model_cache)
    assert asked.returncode == 0, asked.stderr
    body = json.loads(asked.stdout)
    assert body["found"] and body["short_answer"] == "7,5 - 8%" and body["citations"]
    assert {"question", "answer", "language", "elapsed_ms"} <= set(body)
    empty = _run("ask", "  ?? ", env_dir=index_dir, cache=model_cache)
    assert empty.returncode == 1 and "empty" in empty.stderr


def test_serve_answers_over_http(tmp_path: Path, model_cache: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    import os
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOINGHI_INDEX_DIR": str(tmp_path / "idx"), "HOINGHI_MODEL_CACHE": str(model_cache)}
    server = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "serve",
                               "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/healthz").json()["index"]:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.5)
        question = "Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?"
        r = httpx.post(f"{base}/ask", json={"question": question})
        assert r.status_code == 200 and r.json()["short_answer"] == "6,46%"
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
