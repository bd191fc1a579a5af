"""Generative mode against a stand-in OpenAI-compatible server on loopback: used only if checked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.service import Service
from index.settings import GeneratorSettings

QUESTION = "Chỉ số sản xuất công nghiệp năm 2023 tăng bao nhiêu?"


class StandIn:
    """Answers every chat completion with ``reply`` and records what it was sent."""

    def __init__(self) -> None:
        self.reply = ""
        self.status = 200
        self.requests: list[dict[str, object]] = []


@pytest.fixture
def stand_in() -> Iterator[tuple[StandIn, str]]:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            body = json.dumps({"choices": [{"message": {"role": "assistant", "content": state.reply}}]})
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def _generative(service: Service, url: str) -> Service:
    settings = replace(service.settings, generator=GeneratorSettings(url=url, model="stand-in"))
    return Service(settings, service.embedder)


def test_a_checked_generated_answer_is_used(fake_service: Service, stand_in: tuple[StandIn, str]) -> None:
    state, url = stand_in
    extractive = fake_service.ask(QUESTION)
    n = next(i for i, h in enumerate(extractive.hits, 1) if "4,6%" in h.passage.text)
    state.reply = f"Chỉ số sản xuất công nghiệp năm 2023 tăng 4,6% [{n}]."
    answer = _generative(fake_service, url).ask(QUESTION)
    assert answer.mode == "generative" and answer.notice is None
    assert answer.answer == state.reply
    assert [c.n for c in answer.citations] == [n]
    c = answer.citations[0]
    assert c.document.text[c.start:c.end] == c.sentence and "4,6%" in c.sentence
    sent = state.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    prompt = json.dumps(sent["body"], ensure_ascii=False)
    assert "[1]" in prompt and QUESTION in prompt


@pytest.mark.parametrize(("reply", "reason"), [
    ("Tăng 4,6% [9].", "not given"),
    ("Tăng 4,6%.", "cites no passage"),
    ("Tăng 12,3% [1].", "12,3"),
])
def test_unchecked_answers_fall_back_to_extractive(
        fake_service: Service, stand_in: tuple[StandIn, str], reply: str, reason: str) -> None:
    state, url = stand_in
    state.reply = reply
    answer = _generative(fake_service, url).ask(QUESTION)
    assert answer.mode == "extractive"
    assert answer.notice is not None and reason in answer.notice
    assert answer.answer == fake_service.ask(QUESTION).answer


def test_an_unreachable_or_failing_generator_falls_back(
        fake_service: Service, stand_in: tuple[StandIn, str]) -> None:
    state, url = stand_in
    state.status = 500
    failing = _generative(fake_service, url).ask(QUESTION)
    assert failing.mode == "extractive" and failing.notice and "failed" in failing.notice
    down = _generative(fake_service, "http://127.0.0.1:9/v1").ask(QUESTION)
    assert down.mode == "extractive" and down.found
