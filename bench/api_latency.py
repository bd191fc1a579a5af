"""Warm latency of `POST /ask` and `GET /search` over the dev questions, in process and over HTTP.

Run: ``python bench/api_latency.py [--repeat 5] [--json bench/results/api_latency.json]``

Builds (or reuses, with --index-dir) an index of the bundled corpus, warms the model and index,
then times each dev question ``--repeat`` times through FastAPI's TestClient (in process) and
through a uvicorn server on loopback (over HTTP). Reports p50/p95 in milliseconds, twice: with
the question-vector cache off (every question embedded: questions the service has not seen) and on
(the warm-up pass has embedded them all: questions asked again).
"""

from __future__ import annotations

import argparse
import logging
import socket
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from eval.metrics import percentile
from eval.qa import DEV_QA, load_qa
from eval.report import emit_json
from index.embed import load_embedder
from index.settings import Settings


def _percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(ms, 50), 1), "p95": round(percentile(ms, 95), 1), "n": len(ms)}


def _time(call: Any, questions: list[str], repeat: int) -> dict[str, dict[str, float]]:
    ask: list[float] = []
    search: list[float] = []
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            r = call("post", "/ask", json={"question": q})
            ask.append(1000 * (time.perf_counter() - t))
            assert r.status_code == 200, r.text
            t = time.perf_counter()
            r = call("get", "/search", params={"q": q, "k": 10})
            search.append(1000 * (time.perf_counter() - t))
            assert r.status_code == 200, r.text
    return {"ask": _percentiles(ask), "search": _percentiles(search)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(service: Service, repeat: int) -> dict[str, Any]:
    questions = [item.question for item in load_qa(DEV_QA)]
    app = create_app(service)
    service.warm()
    client = TestClient(app)
    _time(lambda m, p, **kw: client.request(m.upper(), p, **kw), questions, 1)  # warm caches
    results: dict[str, Any] = {"in_process": _time(lambda m, p, **kw: client.request(m.upper(), p, **kw),
                                                   questions, repeat)}
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        results["http"] = _time(lambda m, p, **kw: http.request(m.upper(), p, **kw), questions, repeat)
    server.should_exit = True
    thread.join(timeout=10)
    results["questions"] = len(questions)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hoinghi-bench-") as tmp:
        settings = replace(Settings.from_env(), index_dir=args.index_dir or Path(tmp) / "index")
        embedder = load_embedder(settings.model)  # one model for the three services
        Service(settings, embedder).ensure_index()
        for name, size in (("new_questions", 0), ("repeated_questions", settings.retrieval.query_cache)):
            chosen = replace(settings, retrieval=replace(settings.retrieval, query_cache=size))
            results[name] = run(Service(chosen, embedder), args.repeat)
    print(emit_json(results, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
