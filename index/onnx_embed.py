"""The bundled model exported to ONNX and run by OpenVINO (default) or ONNX Runtime.

OpenVINO runs the export in bfloat16 where the CPU has bf16 instructions (AVX-512 BF16, AMX) and
in float32 elsewhere: on this machine it embeds the bundled corpus's passages and sentences 1.7-1.9x
faster than ONNX Runtime's float32, vectors at cosine >= 0.9999 with them (README "Speed").

Measured on this 2-core machine (README "Speed"): a dev question embeds in ~9 ms instead of ~25 ms
with torch, corpus passages in half the time, cosine with the torch vectors >= 0.99999. ONNX
Runtime keeps one thread pool for every calling thread, where torch's OpenMP pool paid ~8 ms per
request when FastAPI ran the call in a worker thread.

sentence-transformers' own ``backend="onnx"`` needs optimum-onnx, whose releases pin
transformers < 4.58 while sentence-transformers 5+ needs transformers 5: they cannot be installed
together, so this module exports the converted BERT with ``torch.onnx`` once and runs it with
``onnxruntime`` directly (mean pooling and L2 normalisation, as the sentence-transformers model
directory declares).
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.settings import ModelSettings
from index.tokens import PassageTokens

log = logging.getLogger(__name__)

_OPSET = 17
# Exported with eager attention: the same vectors as the default (sdpa) attention, whose mask
# handling added Where/IsNaN nodes worth ~6% of the run.
ONNX_FILE = "onnx/encoder.onnx"


def ensure_onnx(model_dir: Path) -> Path:
    """Export ``model_dir``'s transformer to ONNX once (atomic) and return it."""
    target = model_dir / ONNX_FILE
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    import torch
    from transformers import AutoModel

    log.info("exporting %s to ONNX (one time)", model_dir.name)
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 100, 200, 2]])
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings():  # the tracer's notes on BERT's mask arithmetic
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Hidden(bert), (ids, torch.ones_like(ids)), str(tmp),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=_OPSET, dynamo=False,
        )
    os.replace(tmp, target)
    (model_dir / "onnx" / "model.onnx").unlink(missing_ok=True)  # earlier releases' export
    return target


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    summed = (hidden * mask[..., None]).sum(axis=1)
    return _normalise(summed / np.maximum(mask.sum(axis=1, keepdims=True), 1))


def _content_states(hidden: np.ndarray, mask: np.ndarray, encoding: Any, prompt: str) -> np.ndarray:
    """The states of a text's own tokens: not the prompt's, the special tokens or padding."""
    kept = int(mask.sum())
    if len(encoding.ids) > kept:  # truncated: the last kept row is the closing </s>
        kept -= 1
    rows = [i for i, (start, end) in enumerate(encoding.offsets[:kept])
            if end > start and start >= len(prompt)]
    return np.asarray(hidden[rows], dtype=np.float32)


class _Engine(Protocol):
    """Runs the export: token ids and attention mask [batch, tokens] → output states."""

    description: str
    dim: int

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray: ...


class _OrtEngine:
    """The export on ONNX Runtime, float32."""

    description = "ONNX Runtime float32"

    def __init__(self, onnx_file: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Idle ORT threads would spin and take the cores FAISS's OpenMP threads need right after
        # (exact search of 60k vectors: 12 ms per call with spinning, 4.6 ms without; README "Speed").
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.dim = int(self._session.get_outputs()[0].shape[2])  # [batch, tokens, hidden]

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.asarray(self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0])


class _OpenVinoEngine:
    """The export on OpenVINO's CPU plugin, in its default precision for this CPU (bfloat16 where
    the CPU has bf16 instructions, else float32); one inference request per calling thread."""

    def __init__(self, onnx_file: Path) -> None:
        import openvino as ov

        core = ov.Core()
        self._model = core.compile_model(str(onnx_file), "CPU", {"PERFORMANCE_HINT": "LATENCY"})
        self.dim = int(self._model.outputs[0].get_partial_shape()[2].get_length())
        precision = self._model.get_property("INFERENCE_PRECISION_HINT")
        self.description = f"OpenVINO {str(precision).split('.')[-1].lower()}"
        self._local = threading.local()

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._model.create_infer_request()
        return np.asarray(request.infer({"input_ids": ids, "attention_mask": mask})[0])


ENGINES: dict[str, Callable[[Path], _Engine]] = {"openvino": _OpenVinoEngine, "onnx": _OrtEngine}


class OnnxEmbedder:
    """Mean-pooled, normalised e5 vectors from an ONNX export run by ``engine`` (a key of
    ``ENGINES``); texts run shortest first in small batches, so padding stays small (measured
    fastest at batch 1-4 on 2 cores)."""

    def __init__(self, model_dir: Path, name: str, settings: ModelSettings, max_tokens: int = 512,
                 engine: str = "openvino") -> None:
        from tokenizers import Tokenizer

        onnx_file = ensure_onnx(model_dir)
        try:
            self._engine = ENGINES[engine](onnx_file)
        except Exception as exc:  # no OpenVINO wheel for this platform, a CPU it cannot compile for
            if engine != "openvino":
                raise
            log.warning("OpenVINO cannot run %s (%s); using ONNX Runtime", name, exc)
            self._engine = _OrtEngine(onnx_file)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._pad_id = self._tokenizer.token_to_id("<pad>") or 0
        self._settings = settings
        self.name = name
        self.max_tokens = max_tokens
        self.dim = self._engine.dim
        log.info("embedding model %s runs on %s", name, self._engine.description)

    def _hidden(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        """Token states, attention mask and encodings (for character offsets) of ``texts``."""
        encodings = self._tokenizer.encode_batch(list(texts))
        # Truncated like sentence-transformers: content cut, the closing </s> kept.
        rows = [e.ids if len(e.ids) <= self.max_tokens else e.ids[: self.max_tokens - 1] + e.ids[-1:]
                for e in encodings]
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for row, tokens in enumerate(rows):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        return self._engine(ids, mask), mask, encodings

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        hidden, mask, _ = self._hidden(texts)
        return _pool(hidden, mask)

    def _encode(self, texts: Sequence[str], prompt: str,
                keep: Sequence[bool] | None = None) -> tuple[np.ndarray, list[PassageTokens | None]]:
        """Vectors of ``texts`` and, for those ``keep`` marks, their content tokens' states."""
        tokens: list[PassageTokens | None] = [None] * len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32), tokens
        prompted = [prompt + t for t in texts]
        out = np.empty((len(prompted), self.dim), dtype=np.float32)
        for rows in self._batches(prompted):
            hidden, mask, encodings = self._hidden([prompted[i] for i in rows])
            out[rows] = _pool(hidden, mask)
            for b, row in enumerate(rows):
                if keep is not None and keep[row]:
                    states = _content_states(hidden[b], mask[b], encodings[b], prompt)
                    tokens[row] = PassageTokens.quantise(states)
        return out, tokens

    def _batches(self, texts: Sequence[str]) -> list[np.ndarray]:
        order = np.argsort([len(t) for t in texts], kind="stable")
        step = self._settings.onnx_batch_size
        return [order[start:start + step] for start in range(0, len(order), step)]

    def embed_passages_and_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray, list[PassageTokens]]:
        """Passage vectors and, from the same run, one vector per character span of each passage
        (mean of the span's token states in the passage's context) and each passage's token states."""
        prompt = self._settings.passage_prompt
        prompted = [prompt + t for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        span_out = [np.zeros((len(s), self.dim), dtype=np.float32) for s in spans]
        tokens: list[PassageTokens | None] = [None] * len(texts)
        for rows in self._batches(prompted):
            hidden, mask, encodings = self._hidden([prompted[i] for i in rows])
            out[rows] = _pool(hidden, mask)
            for b, row in enumerate(rows):
                states = _content_states(hidden[b], mask[b], encodings[b], prompt)
                tokens[row] = PassageTokens.quantise(states)
                offsets = np.zeros((hidden.shape[1], 2), dtype=np.int64)  # padding: empty (0, 0)
                kept = int(mask[b].sum())
                offsets[: kept - 1] = encodings[b].offsets[: kept - 1]  # the closing </s> stays (0, 0)
                for j, (start, end) in enumerate(spans[row]):
                    inside = ((offsets[:, 0] >= start + len(prompt)) & (offsets[:, 1] <= end + len(prompt))
                              & (offsets[:, 1] > offsets[:, 0]))
                    if inside.any():
                        span_out[row][j] = _normalise(hidden[b][inside].mean(axis=0, keepdims=True))[0]
                    else:  # cut off by truncation: embed it alone
                        span_out[row][j] = self._run([prompt + texts[row][start:end]])[0]
        flat = np.vstack(span_out) if span_out else np.zeros((0, self.dim), dtype=np.float32)
        return out, flat.astype(np.float32), [t for t in tokens if t is not None]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._settings.passage_prompt)[0]

    def embed_passages_with_tokens(self, texts: Sequence[str],
                                   keep: Sequence[bool]) -> tuple[np.ndarray, list[PassageTokens | None]]:
        """Passage vectors and, from the same run, the token states of the texts ``keep`` marks."""
        return self._encode(texts, self._settings.passage_prompt, keep)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._settings.query_prompt)[0]

    def query_states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A question's vector and its content tokens' unit states, from one run."""
        prompt = self._settings.query_prompt
        hidden, mask, encodings = self._hidden([prompt + text])
        states = _content_states(hidden[0], mask[0], encodings[0], prompt)
        return _pool(hidden, mask)[0], _normalise(states)

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for a passage, prompt and special tokens included."""
        return len(self._tokenizer.encode(self._settings.passage_prompt + text).ids)
