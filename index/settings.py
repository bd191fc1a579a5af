"""One settings object with nested groups, built once at an entry point and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.errors import ConfigError

BUNDLED_MODEL = "bundled:multilingual-e5-small"
CORRECTION_MODES = ("auto", "all", "off")  # IngestSettings.correct_ocr


def _data_home() -> Path:
    from platformdirs import user_data_path

    return Path(user_data_path("hoinghi", appauthor=False))


@dataclass(frozen=True)
class ModelSettings:
    """Which embedding model to use and where converted weights are cached."""

    name: str = BUNDLED_MODEL  # or any sentence-transformers name or path
    cache_dir: Path = field(default_factory=lambda: _data_home() / "models")
    batch_size: int = 16  # sentence-transformers (torch) batches
    # The bundled model: "openvino" runs its ONNX export on OpenVINO (bfloat16 where the CPU has
    # it: fastest), "onnx" on ONNX Runtime (float32); "torch" runs it, and any other model,
    # through sentence-transformers.
    backend: str = "openvino"
    onnx_batch_size: int = 4  # texts are sorted by length first; larger batches pad more
    # Texts of consecutive documents embedded in one length-sorted run: one document's passages
    # and sentences alone padded XQuAD's 102k tokens to 145k, runs of 256 texts to 104k.
    embed_group: int = 256
    late_sentences: bool = False  # sentence vectors pooled from the passage's token states
    query_prompt: str = "query: "  # prompts for non-bundled e5-style models
    passage_prompt: str = "passage: "


@dataclass(frozen=True)
class ChunkSettings:
    """How documents are cut into passages (recorded in the index manifest)."""

    max_tokens: int = 200  # per passage including the section prefix; the model window is 512
    min_tokens: int = 40  # a shorter trailing piece joins its neighbour within the section


@dataclass(frozen=True)
class DenseSettings:
    """FAISS index type, chosen per index (passages, sentences) by its size at save time and
    recorded in the manifest. Defaults from bench/ann.py and bench/scale.py (README "Scale")."""

    ann_min_vectors: int = 100_000  # HNSW from here on; exact search below (~18 ms at 100k)
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    # bench/scale.py, 1M passages + 2M sentences, end-to-end top 10 against exact: efSearch 1024
    # gives recall 0.957 vi / 0.934 en, 2048 gives 0.980 / 0.961 at /search p50 51 / 32 ms.
    hnsw_ef_search: int = 2048
    # Passage token states kept for re-ranking up to this many (388 bytes each at 384 dimensions:
    # 10M ≈ 3.9 GB on disk, 65-90k passages); past it the index is searched without them.
    token_states_max: int = 10_000_000


@dataclass(frozen=True)
class IngestSettings:
    """Limits that keep one hostile or broken file from hurting the batch or the machine."""

    max_file_mb: float = 100.0  # larger files are skipped with a message naming the limit
    max_unzipped_mb: float = 200.0  # a .docx inflating past this is treated as a zip bomb
    pdf_passwords: tuple[str, ...] = ()  # tried in turn on encrypted PDFs (HOINGHI_PDF_PASSWORD)
    # Search OCR output with its diacritic misreadings corrected: "auto" for documents with pages
    # read by OCR and text whose syllables carry two tone marks at ``misread_rate`` or more,
    # "all" for every file of the batch, "off" (HOINGHI_CORRECT_OCR, `--correct-ocr`).
    correct_ocr: str = "auto"
    misread_rate: float = 0.001

    def __post_init__(self) -> None:
        if self.correct_ocr not in CORRECTION_MODES:
            raise ConfigError(f"unknown OCR correction mode {self.correct_ocr!r}",
                              remedy="use one of " + ", ".join(CORRECTION_MODES))


@dataclass(frozen=True)
class ApiSettings:
    """The HTTP service: keys, limits, CORS."""

    api_key: str | None = None  # required for uploads and deletions when set
    protect_reads: bool = False  # also require it for /ask, /search and /documents
    max_upload_mb: float = 50.0
    cors_origins: tuple[str, ...] = ()  # CORS is off unless origins are listed


@dataclass(frozen=True)
class RetrievalSettings:
    """Hybrid fusion: dense cosine plus BM25, weighted by query language."""

    candidates: int = 50
    lexical_weight_vi: float = 0.6
    lexical_weight_en: float = 0.15
    restore_diacritics: bool = True  # Vietnamese questions typed without marks get them back
    query_cache: int = 1024  # vectors of the last N distinct questions kept (0: none)
    # Late-interaction re-ranking of the fused top ``token_depth`` passages (or top k, if more):
    # score = (1 - w) × fused + w × MaxSim of the question's and the passage's token states.
    # English w 0.95 (= fused + 19 × MaxSim, rescaled): XQuAD en→vi R@1 0.806 → 0.829; for
    # Vietnamese questions it gained nothing (cross-validated by article), so 0: off there
    # (README "Token re-ranking").
    token_weight_vi: float = 0.0
    token_weight_en: float = 0.95
    token_depth: int = 20


@dataclass(frozen=True)
class AnswerSettings:
    """Extractive answering: sentence score weights and the abstention threshold."""

    top_k: int = 5  # passages the answer is chosen from
    lexical_weight: float = 0.2  # idf-weighted share of the question's words in the sentence
    # English questions share only numbers and names with Vietnamese text: one year in common
    # would otherwise outweigh the meaning of the whole question.
    lexical_weight_en: float = 0.05
    # ... plus this share of it for the question's adjacent word pairs found in the sentence (to
    # order sentences only; XQuAD vi, top-5 passages: gold in answer 907 → 915, see README).
    pair_share: float = 0.5
    type_weight: float = 0.02  # the sentence holds a number or date the question asks for
    # ... or the name a "who" question asks for: names are rarer in a sentence than numbers
    # (XQuAD "who" questions, gold answer in `answer`, 0.02 / 0.05 / 0.1: see README).
    person_weight: float = 0.05
    retrieval_weight: float = 0.1  # the passage's fused retrieval score
    # A sentence's cosine counts less by this × its cosine with an empty question (centred on
    # the index: ``Hit.sentence_generic``), in order and support: "hub" sentences, near every
    # question, otherwise outscore the answer to an English question.
    # XQuAD en, top-5 passages: gold in answer 558 → 576 of 1,190 at equal answered; Vietnamese
    # questions gained nothing, so 0 there (README "Answer selection").
    generic_weight_vi: float = 0.0
    generic_weight_en: float = 0.3
    # Best sentence score under this → "not found". English questions over Vietnamese text score
    # lower (no shared words, cross-lingual cosine), hence one threshold per question language.
    # Calibrated on the dev set's unanswerable questions; see README "Abstention".
    abstain_below_vi: float = 1.02
    abstain_below_en: float = 0.89
    corroborate_within: float = 0.3  # cite another document's sentence this close in score
    corroborate_depth: int = 4  # look for it among top_k x this passages


@dataclass(frozen=True)
class GeneratorSettings:
    """Optional generative answers from an OpenAI-compatible chat endpoint (off when url is None)."""

    url: str | None = None  # e.g. http://127.0.0.1:11434/v1 (Ollama), a vLLM or llama.cpp server
    model: str = "default"
    api_key: str | None = None
    timeout: float = 60.0
    max_passages: int = 5


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: _data_home() / "index")
    model: ModelSettings = field(default_factory=ModelSettings)
    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    dense: DenseSettings = field(default_factory=DenseSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    generator: GeneratorSettings = field(default_factory=GeneratorSettings)

    @classmethod
    def from_env(cls, index_dir: Path | None = None, model: str | None = None) -> Settings:
        """Defaults, overridden by HOINGHI_* environment variables, overridden by arguments."""
        settings = cls()
        env_dir = os.environ.get("HOINGHI_INDEX_DIR")
        env_model = os.environ.get("HOINGHI_MODEL")
        env_cache = os.environ.get("HOINGHI_MODEL_CACHE")
        chosen_dir = index_dir or (Path(env_dir) if env_dir else None)
        if chosen_dir is not None:
            settings = replace(settings, index_dir=chosen_dir)
        model_settings = settings.model
        if model or env_model:
            model_settings = replace(model_settings, name=model or env_model or BUNDLED_MODEL)
        if env_cache:
            model_settings = replace(model_settings, cache_dir=Path(env_cache))
        if os.environ.get("HOINGHI_LATE_SENTENCES"):
            model_settings = replace(model_settings,
                                     late_sentences=os.environ["HOINGHI_LATE_SENTENCES"] == "1")
        if os.environ.get("HOINGHI_MODEL_BACKEND"):
            model_settings = replace(model_settings, backend=os.environ["HOINGHI_MODEL_BACKEND"])
        generator = settings.generator
        if os.environ.get("HOINGHI_GENERATOR_URL"):
            generator = replace(
                generator, url=os.environ["HOINGHI_GENERATOR_URL"],
                model=os.environ.get("HOINGHI_GENERATOR_MODEL", generator.model),
                api_key=os.environ.get("HOINGHI_GENERATOR_API_KEY") or None,
            )
        if os.environ.get("HOINGHI_PDF_PASSWORD"):
            settings = replace(settings, ingest=replace(
                settings.ingest, pdf_passwords=(os.environ["HOINGHI_PDF_PASSWORD"],)))
        if os.environ.get("HOINGHI_CORRECT_OCR"):
            settings = replace(settings, ingest=replace(
                settings.ingest, correct_ocr=os.environ["HOINGHI_CORRECT_OCR"]))
        if os.environ.get("HOINGHI_ANN_MIN_VECTORS"):
            settings = replace(settings, dense=replace(
                settings.dense, ann_min_vectors=int(os.environ["HOINGHI_ANN_MIN_VECTORS"])))
        api = settings.api
        if os.environ.get("HOINGHI_API_KEY"):
            api = replace(api, api_key=os.environ["HOINGHI_API_KEY"])
        if os.environ.get("HOINGHI_PROTECT_READS", "").lower() in ("1", "true", "yes"):
            api = replace(api, protect_reads=True)
        if os.environ.get("HOINGHI_CORS_ORIGINS"):
            api = replace(api, cors_origins=tuple(
                o.strip() for o in os.environ["HOINGHI_CORS_ORIGINS"].split(",") if o.strip()))
        return replace(settings, model=model_settings, generator=generator, api=api)
