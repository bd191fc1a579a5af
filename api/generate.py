"""Optional generative answers from an OpenAI-compatible chat endpoint, checked before use.

The model sees the numbered passages and must cite them as ``[n]``. Its answer is used only if
every ``[n]`` names a passage it was shown, at least one does, and every number it states occurs
in the passages it cites; otherwise the extractive answer stands and the reason is returned.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import httpx

from api.answer import Answer, Citation, normalise
from index.settings import GeneratorSettings
from index.types import Document, Hit

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

SYSTEM_PROMPT = (
    "You answer questions about Vietnamese conference records using only the numbered passages "
    "given. Cite every claim with the passage number in square brackets, like [1]. Copy numbers "
    "exactly as the passages write them. Answer in the language of the question. If the passages "
    "do not contain the answer, say so."
)


class GenerationRejected(Exception):
    """The generated answer failed a check; the message says which."""


@dataclass(frozen=True)
class Generated:
    text: str
    cited: tuple[int, ...]  # 1-based passage numbers, in order of first use


def build_messages(question: str, hits: Sequence[Hit]) -> list[dict[str, str]]:
    numbered = "\n\n".join(f"[{n}] {h.passage.text}" for n, h in enumerate(hits, start=1))
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"},
    ]


def call(settings: GeneratorSettings, messages: list[dict[str, str]],
         client: httpx.Client | None = None) -> str:
    """The chat completion's text; raises GenerationRejected on any transport or format problem."""
    assert settings.url is not None
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    body = {"model": settings.model, "messages": messages, "temperature": 0}
    url = settings.url.rstrip("/") + "/chat/completions"
    try:
        if client is None:
            with httpx.Client(timeout=settings.timeout) as own:
                response = own.post(url, json=body, headers=headers)
        else:
            response = client.post(url, json=body, headers=headers)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise GenerationRejected(f"the generator at {settings.url} failed: {exc}") from exc


def check(text: str, hits: Sequence[Hit], question: str = "") -> Generated:
    """Citations resolve and every stated number occurs in a cited passage (with its headings)
    or in the question itself."""
    cited = tuple(dict.fromkeys(int(m) for m in _MARKER.findall(text)))
    if not cited:
        raise GenerationRejected("the generated answer cites no passage")
    bad = [n for n in cited if not 1 <= n <= len(hits)]
    if bad:
        raise GenerationRejected(f"the generated answer cites passages that were not given: {bad}")
    sources = normalise(" ".join([question] + [hits[n - 1].passage.embed_text for n in cited]))
    for number in _NUMBER.findall(_MARKER.sub(" ", text)):
        if normalise(number) not in sources:
            raise GenerationRejected(f"the number {number} does not occur in the cited passages")
    return Generated(text.strip(), cited)


def _best_sentence(hit: Hit, answer_text: str) -> tuple[int, int]:
    """The cited passage's sentence that shares most numbers/words with the answer."""
    wanted = set(normalise(answer_text).split())
    spans = hit.passage.sentences or ((hit.passage.start, hit.passage.end),)

    def overlap(i: int) -> tuple[int, float]:
        s, e = spans[i]
        words = set(normalise(hit.passage.text[s - hit.passage.start : e - hit.passage.start]).split())
        cosine = hit.sentence_scores[i] if i < len(hit.sentence_scores) else 0.0
        return len(words & wanted), cosine

    return spans[max(range(len(spans)), key=overlap)]


def generative_answer(extractive: Answer, documents: dict[str, Document],
                      settings: GeneratorSettings, client: httpx.Client | None = None) -> Answer:
    """The generated answer if it passes the checks, else ``extractive`` with the reason."""
    hits = list(extractive.hits[: settings.max_passages])
    if not extractive.found or not hits:
        return extractive
    try:
        reply = call(settings, build_messages(extractive.question, hits), client)
        generated = check(reply, hits, extractive.question)
    except GenerationRejected as exc:
        log.warning("generative answer rejected: %s", exc)
        return replace(extractive, notice=f"extractive answer used: {exc}")
    citations = []
    for n in generated.cited:
        hit = hits[n - 1]
        start, end = _best_sentence(hit, generated.text)
        sentence = hit.passage.text[start - hit.passage.start : end - hit.passage.start]
        citations.append(Citation(n, hit, documents[hit.passage.document_id], sentence, start, end,
                                  round(hit.score, 4)))
    short = extractive.short_answer
    if short is not None and normalise(short) not in normalise(generated.text):
        short = None
    return replace(extractive, answer=generated.text, short_answer=short,
                   citations=tuple(citations), mode="generative")
