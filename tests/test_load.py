"""A bounded load test on loopback with the real model: 1,000 requests (/ask and /search) at
concurrency 8 while an upload is ingested alongside. Zero server errors, every answer valid;
p50/p95 written to test-artifacts/load.json (slow)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.service import Service
from eval.metrics import percentile
from eval.qa import load_qa
from tests.conftest import CORPUS, DEV_QA, private_copy, serve_on_loopback

pytestmark = pytest.mark.slow

REQUESTS = 1000
CONCURRENCY = 8
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _valid_answer(body: dict[str, Any]) -> None:
    assert {"question", "answer", "found", "citations", "language"} <= set(body)
    if not body["found"]:
        assert body["citations"] == []
        return
    assert body["citations"]
    for c in body["citations"]:
        local = c["text"][c["start"] - c["passage_start"]:c["end"] - c["passage_start"]]
        assert local == c["sentence"] and f"[{c['n']}]" in body["answer"]


def test_thousand_requests_at_concurrency_8_during_an_ingest(
        corpus_service: Service, tmp_path: Path) -> None:
    service = private_copy(corpus_service, tmp_path / "index")
    with serve_on_loopback(service) as base:
        figures = _load(base)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert len(service.documents()) == 10  # the upload landed while requests were served


def _load(base: str) -> dict[str, Any]:
    questions = [item.question for item in load_qa(DEV_QA)]
    upload_done = threading.Event()

    def upload() -> None:
        text = (CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt").read_text(encoding="utf-8")
        files = [("files", (f"ban-tin-{i}.txt", f"BẢN TIN {i}\n\n{text[:3000 + 100 * i]}".encode(),
                            "text/plain")) for i in range(8)]
        r = httpx.post(f"{base}/documents", files=files, timeout=600)
        assert r.status_code == 201, r.text
        upload_done.set()

    def one(i: int) -> tuple[str, int, float]:
        q = questions[i % len(questions)]
        started = time.perf_counter()
        if i % 2:
            r = httpx.get(f"{base}/search", params={"q": q, "k": 5}, timeout=120)
            assert r.status_code == 200, r.text
            assert len(r.json()["hits"]) == 5
            kind = "search"
        else:
            r = httpx.post(f"{base}/ask", json={"question": q}, timeout=120)
            assert r.status_code == 200, r.text
            _valid_answer(r.json())
            kind = "ask"
        return kind, r.status_code, 1000 * (time.perf_counter() - started)

    uploader = threading.Thread(target=upload)
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        futures = [pool.submit(one, i) for i in range(REQUESTS)]
        uploader.start()
        results = [f.result() for f in futures]
    uploader.join(timeout=600)
    seconds = time.perf_counter() - started

    assert upload_done.is_set()
    assert all(status == 200 for _, status, _ in results)
    figures: dict[str, Any] = {"requests": REQUESTS, "concurrency": CONCURRENCY, "seconds": round(seconds, 1),
                               "server_errors": 0}
    for kind in ("ask", "search"):
        ms = [t for k, _, t in results if k == kind]
        figures[kind] = {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1),
                         "p95_ms": round(percentile(ms, 95), 1)}
    return figures
