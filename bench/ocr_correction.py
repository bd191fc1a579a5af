"""OCR diacritic correction, measured: syllable errors fixed and retrieval with and without it.

Run: ``python bench/ocr_correction.py [--json bench/results/ocr_correction.json]``

1. Synthetic OCR noise over XQuAD's Vietnamese contexts (no data download): the contexts are
   split into clean ones (the "indexed clean text" the model learns from), noisy ones (each
   syllable misread with probability 7.7%, the share of diacritic-only errors counted in the
   OCR'd communiqué: the tone or a vowel mark changed, as OCR does: phổ/phố, Đẳng/Đảng) and
   held-out clean ones. Reported for each change cost: the syllable error rate of the noisy
   contexts before and after correction, and the share of held-out clean syllables it would
   break. The default cost (``index.diacritics.CHANGE_COST``) is chosen here, not on the dev set.
2. Retrieval on the same split: the clean contexts are indexed, then the noisy ones are added
   with ``--correct-ocr all`` and with ``off``; XQuAD vi and en questions about the noisy
   contexts are searched (R@1, R@5 of the gold context).
3. The bundled corpus (the real OCR'd communiqué, corrected by ``auto``): dev-set retrieval
   (R@1, MRR@10) with correction on and off, for every question and for those about the OCR'd
   communiqué, and how many characters correction changed.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from api.service import BUNDLED_CORPUS, Service
from eval.harness import evaluate
from eval.qa import DEV_QA, load_qa
from eval.report import emit_json
from eval.xquad import XQuADItem, build_index, parallel, run_items
from index.diacritics import DiacriticModel, misread_rate
from index.embed import Embedder, load_embedder
from index.settings import Settings
from index.text import fold

OCR_RATE = 0.077
_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_MARKED = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư"}
_VOWELS = "aăâeêioôơuưy"
_SYLLABLE = re.compile(r"[^\W\d_]+")


def misread(word: str, rng: random.Random) -> str:
    """Another written form of the same bare syllable: its tone (70%) or a vowel mark changed."""
    parts = unicodedata.normalize("NFD", word)
    tone = next((c for c in parts if c in _TONES), "")
    base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    marked = [i for i, c in enumerate(base) if fold(c) in _MARKED]
    if rng.random() < 0.7 or not marked:
        vowels = [i for i, c in enumerate(base) if fold(c) in _VOWELS or c.lower() in _VOWELS]
        if not vowels:
            return word
        i = vowels[len(vowels) // 2]
        new_tone = rng.choice([t for t in ("", *_TONES) if t != tone])
        out = base[: i + 1] + new_tone + base[i + 1:]
    else:
        i = marked[0]
        letter = base[i]
        other = rng.choice([m for m in _MARKED[fold(letter)] if m != letter.lower()])
        out = base[:i] + (other.upper() if letter.isupper() else other) + tone + base[i + 1:]
    out = unicodedata.normalize("NFC", out)
    return out if len(out) == len(word) else word


def add_noise(text: str, rng: random.Random, rate: float = OCR_RATE) -> str:
    return _SYLLABLE.sub(lambda m: misread(m.group(0), rng) if rng.random() < rate else m.group(0), text)


def syllable_errors(reference: str, text: str) -> tuple[int, int]:
    ref, got = _SYLLABLE.findall(reference), _SYLLABLE.findall(text)
    return sum(a != b for a, b in zip(ref, got, strict=True)), len(ref)


def split(contexts: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Clean (half), noisy (a quarter), held-out clean (a quarter) context ids."""
    ids = sorted(contexts)
    return ids[1::2], ids[0::4], ids[2::4]


def intrinsic(contexts: dict[str, str], noisy: dict[str, str], costs: list[float]) -> list[dict[str, Any]]:
    clean_ids, noisy_ids, held_ids = split(contexts)
    model = DiacriticModel(contexts[i] for i in clean_ids)

    def rate(pairs: list[tuple[str, str]]) -> float:
        counts = [syllable_errors(ref, text) for ref, text in pairs]
        return round(sum(e for e, _ in counts) / sum(n for _, n in counts), 4)

    rows = [{"cost": None, "noisy_error_rate": rate([(contexts[i], noisy[i]) for i in noisy_ids]),
             "held_out_clean_broken": 0.0}]
    for cost in costs:
        rows.append({
            "cost": cost,
            "noisy_error_rate": rate([(contexts[i], model.correct(noisy[i], cost)) for i in noisy_ids]),
            "held_out_clean_broken": rate([(contexts[i], model.correct(contexts[i], cost))
                                           for i in held_ids]),
        })
        logging.info("cost %s: %s", cost, rows[-1])
    return rows


def xquad_retrieval(settings: Settings, embedder: Embedder, contexts: dict[str, str],
                    noisy: dict[str, str], questions: dict[str, list[XQuADItem]]) -> dict[str, Any]:
    clean_ids, noisy_ids, _ = split(contexts)
    wanted = set(noisy_ids)
    out: dict[str, Any] = {"noisy_contexts": len(noisy_ids), "clean_contexts": len(clean_ids),
                           "questions": {lang: sum(q.context_id in wanted for q in items)
                                         for lang, items in questions.items()}}
    with tempfile.TemporaryDirectory(prefix="hoinghi-ocr-bench-") as tmp:
        for mode in ("off", "all"):
            run_settings = replace(settings, index_dir=Path(tmp) / mode,
                                   ingest=replace(settings.ingest, correct_ocr=mode))
            service = Service(run_settings, embedder)
            build_index(service, {i: contexts[i] for i in clean_ids}, Path(tmp) / f"{mode}-clean")
            build_index(service, {i: noisy[i] for i in noisy_ids}, Path(tmp) / f"{mode}-noisy")
            out[mode] = {}
            for lang, items in questions.items():
                found = run_items(service, [q for q in items if q.context_id in wanted], answers=False)
                out[mode][lang] = {key: found[key] for key in ("R@1", "R@5", "MRR@10")}
            logging.info("XQuAD with correction %s: %s", mode, out[mode])
    return out


def bundled(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    items = load_qa(DEV_QA)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hoinghi-ocr-bench-") as tmp:
        for mode in ("off", "auto"):
            service = Service(replace(settings, index_dir=Path(tmp) / mode,
                                      ingest=replace(settings.ingest, correct_ocr=mode)), embedder)
            service.ingest([BUNDLED_CORPUS])
            ocr_doc = next(d for d in service.documents() if misread_rate(d.text) > 0)
            results = evaluate(service, items)
            about_ocr = [r for r, item in zip(results.questions, items, strict=True)
                         if ocr_doc.name in item.documents and item.answerable]
            changed = sum(p.search_text is not None for p in service.snapshot.passages)
            out[mode] = {
                "dev_R@1": results.metrics["retrieval"]["hit_rate@1"],
                "dev_MRR@10": results.metrics["retrieval"]["mrr@10"],
                "answer_accuracy": results.metrics["answers"]["accuracy"],
                "ocr_doc_questions": len(about_ocr),
                "ocr_doc_R@1": round(sum(r.rank == 1 for r in about_ocr) / len(about_ocr), 4),
                "ocr_doc_MRR": round(sum(1 / r.rank for r in about_ocr if r.rank) / len(about_ocr), 4),
                "passages_corrected": changed,
            }
            logging.info("bundled corpus with correction %s: %s", mode, out[mode])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--costs", type=float, nargs="+", default=[2, 4, 6, 8, 10, 12])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy_logger in ("bm25s", "httpx", "index", "ingest", "api"):
        logging.getLogger(noisy_logger).setLevel(logging.WARNING)
    settings = Settings.from_env()
    embedder = load_embedder(settings.model)
    contexts, questions = parallel()
    rng = random.Random(args.seed)
    noisy = {cid: add_noise(text, rng) for cid, text in sorted(contexts.items())}
    results = {
        "ocr_rate": OCR_RATE,
        "synthetic_xquad": intrinsic(contexts, noisy, args.costs),
        "xquad_retrieval": xquad_retrieval(settings, embedder, contexts, noisy, questions),
        "bundled_corpus": bundled(settings, embedder),
    }
    print(emit_json(results, args.json))  # noqa: T201 - the command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
