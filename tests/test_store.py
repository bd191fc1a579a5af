import json
import os
from pathlib import Path

import numpy as np
import pytest

from index.builder import remove_documents
from index.errors import IndexStoreError, ModelError, NoIndexError, UnknownDocumentError
from index.hybrid import HybridRetriever
from index.settings import Settings
from index.store import IndexStore
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS, FakeEmbedder


def _ingest(paths: list[Path], settings: Settings, embedder: FakeEmbedder):  # type: ignore[no-untyped-def]
    return ingest_paths(paths, IndexStore(settings.index_dir), embedder, settings)


def test_ingest_twice_changes_nothing(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    first = _ingest([CORPUS], settings, fake_embedder)
    assert len(first.added) == 2 and not first.skipped
    current = (settings.index_dir / "CURRENT").read_text()
    second = _ingest([CORPUS], settings, fake_embedder)
    assert not second.added and len(second.unchanged) == 2 and not second.same_as
    assert (settings.index_dir / "CURRENT").read_text() == current


def test_a_copy_under_another_name_is_unchanged_and_names_the_indexed_file(
        tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Hội nghị lần thứ 5 bàn về ngân sách.", encoding="utf-8")
    (tmp_path / "copy").mkdir()
    copy = tmp_path / "copy" / "b.txt"
    copy.write_text(doc.read_text(encoding="utf-8"), encoding="utf-8")
    report = _ingest([doc, copy], settings, fake_embedder)  # within one batch ...
    assert len(report.added) == 1 and report.same_as == {str(copy): str(doc.resolve())}
    again = _ingest([copy], settings, fake_embedder)  # ... and in a later one
    assert again.unchanged == [str(copy)] and again.same_as == {str(copy): str(doc.resolve())}
    assert again.to_dict()["same_as"] == again.same_as


def test_changed_file_replaces_its_passages(tmp_path: Path, settings: Settings,
                                           fake_embedder: FakeEmbedder) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Hội nghị lần thứ 5 bàn về ngân sách.", encoding="utf-8")
    _ingest([doc], settings, fake_embedder)
    doc.write_text("Hội nghị lần thứ 5 bàn về giáo dục.", encoding="utf-8")
    report = _ingest([doc], settings, fake_embedder)
    assert len(report.replaced) == 1
    snap = IndexStore(settings.index_dir).load()
    assert len(snap.documents) == 1
    assert all("giáo dục" in p.text for p in snap.passages)


def test_bad_file_skipped_batch_goes_on(tmp_path: Path, settings: Settings,
                                        fake_embedder: FakeEmbedder) -> None:
    (tmp_path / "good.txt").write_text("Thành phố tăng trưởng 5,8%.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "legacy.txt").write_bytes(b"Th\xe0nh ph\xf4\xec h\xf4\xf2p")  # Windows-1258: read
    (tmp_path / "binary.txt").write_bytes(bytes(range(128, 256)) * 4)
    report = _ingest([tmp_path, tmp_path / "missing.txt"], settings, fake_embedder)
    assert sorted(Path(s).name for s, _, _ in report.added) == ["good.txt", "legacy.txt"]
    reasons = {Path(s).name: r for s, r in report.skipped}
    assert set(reasons) == {"empty.txt", "bad.pdf", "binary.txt", "missing.txt"}
    assert "Unicode" in reasons["binary.txt"] or "UTF-8" in reasons["binary.txt"]
    texts = [d.text for d in IndexStore(settings.index_dir).load().documents.values()]
    assert any("Thành phố hộp" in t for t in texts)


def test_offsets_and_pages_survive_save_and_load(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    _ingest([CORPUS], settings, fake_embedder)
    snap = IndexStore(settings.index_dir).load(expect_model=fake_embedder.name)
    for p in snap.passages:
        assert snap.documents[p.document_id].text[p.start:p.end] == p.text
    assert len(snap.sentence_vectors) == sum(len(p.sentences) for p in snap.passages)
    manifest = json.loads((IndexStore(settings.index_dir).current_dir() / "manifest.json").read_text())
    assert manifest["model"] == {"name": "fake-hash-64", "dim": 64}
    assert manifest["chunking"]["max_tokens"] == settings.chunk.max_tokens
    assert manifest["chunking"]["embedded_heading"] == "nearest"
    assert {d["sha256"] for d in manifest["documents"]} == {d.sha256 for d in snap.documents.values()}


def test_load_with_other_model_is_refused(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    _ingest([CORPUS], settings, fake_embedder)
    with pytest.raises(ModelError, match="built with model 'fake-hash-64'"):
        IndexStore(settings.index_dir).load(expect_model="another-model")


def test_missing_and_corrupt_index_errors(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(NoIndexError, match="hoinghi ingest"):
        IndexStore(settings.index_dir).load()
    _ingest([CORPUS], settings, fake_embedder)
    folder = IndexStore(settings.index_dir).current_dir()
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(IndexStoreError, match="format 99"):
        IndexStore(settings.index_dir).load()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "dense.faiss").write_bytes(b"truncated")
    with pytest.raises(IndexStoreError, match="re-ingest"):
        IndexStore(settings.index_dir).load()


def test_crash_before_pointer_swap_keeps_previous_index(settings: Settings, fake_embedder: FakeEmbedder,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest([CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt"], settings, fake_embedder)
    real_replace = os.replace

    def crash_on_pointer(src: object, dst: object) -> None:
        if str(dst).endswith("CURRENT"):
            raise KeyboardInterrupt("simulated crash")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", crash_on_pointer)
    with pytest.raises(KeyboardInterrupt):
        _ingest([CORPUS], settings, fake_embedder)
    monkeypatch.setattr(os, "replace", real_replace)
    snap = IndexStore(settings.index_dir).load()
    assert len(snap.documents) == 1


def test_second_writer_is_refused(settings: Settings) -> None:
    store = IndexStore(settings.index_dir)
    with store.writer(), pytest.raises(IndexStoreError, match="another hoinghi process"), store.writer():
        pass


def test_remove_document(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    _ingest([CORPUS], settings, fake_embedder)
    store = IndexStore(settings.index_dir)
    doc_id = next(iter(store.load().documents))
    snap = remove_documents(store, {doc_id})
    assert doc_id not in snap.documents and all(p.document_id != doc_id for p in snap.passages)
    assert len(store.load().passages) == len(snap.passages)
    with pytest.raises(UnknownDocumentError):
        remove_documents(store, {"nope"})


def test_hybrid_search_and_document_filter(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    _ingest([CORPUS], settings, fake_embedder)
    snap = IndexStore(settings.index_dir).load()
    retriever = HybridRetriever(snap, fake_embedder, settings.retrieval)
    hits = retriever.search("Tổng doanh thu du lịch tăng bao nhiêu", k=5)
    assert "Tổng doanh thu du lịch tăng 22%" in hits[0].passage.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    only = next(d for d in snap.documents.values() if "31" in d.name)
    filtered = retriever.search("tăng trưởng", k=5, document_ids={only.id})
    assert filtered and all(h.passage.document_id == only.id for h in filtered)
    assert retriever.search("   ", k=5) == []


def test_hnsw_past_the_switch_over_is_saved_recorded_extended_and_rebuilt(
        tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from index.dense import DenseIndex
    from index.settings import DenseSettings

    built: list[int] = []  # sizes of the indexes made anew (not grown in place)
    original = DenseIndex.empty.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(DenseIndex, "empty", classmethod(
        lambda cls, dim, rows, s: built.append(rows) or original(cls, dim, rows, s)))

    exact_settings = replace(settings, index_dir=tmp_path / "exact")
    _ingest([CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt"], exact_settings, fake_embedder)
    ann = replace(settings, dense=DenseSettings(ann_min_vectors=50, hnsw_ef_search=64))
    store = IndexStore(ann.index_dir, ann.dense)

    def manifest() -> dict:  # type: ignore[type-arg]
        return json.loads((store.current_dir() / "manifest.json").read_text())["dense"]

    ingest_paths([CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt"], store, fake_embedder, ann)
    first = manifest()
    assert first["ann_min_vectors"] == 50
    assert first["passages"]["kind"] == "hnsw" and first["passages"]["m"] == 32
    assert first["passages"]["ef_search"] == 64
    # The HNSW retriever finds what the exact one finds on this small index.
    hnsw = HybridRetriever(store.load(), fake_embedder, ann.retrieval)
    exact = HybridRetriever(IndexStore(exact_settings.index_dir).load(), fake_embedder, ann.retrieval)
    assert hnsw.dense.kind == "hnsw" and exact.dense.kind == "flat"
    for query in ["tăng trưởng kinh tế", "đầu tư công", "chuyển đổi số", "nhà ở xã hội"]:
        assert [h.passage.id for h in hnsw.search(query, 5)] == [h.passage.id for h in exact.search(query, 5)]
    # Adding a document only appends: the saved HNSW indexes grow in place, nothing is rebuilt.
    built.clear()
    ingest_paths([CORPUS], store, fake_embedder, ann)
    second = manifest()
    assert second["passages"]["kind"] == "hnsw" and not built
    assert second["passages"]["vectors"] == len(store.load().passages) > first["passages"]["vectors"]
    # Removing one rebuilds; below the switch-over the index is exact again.
    remove_documents(store, {d.id for d in store.load().documents.values()
                             if "lan-thu-31" in d.source})
    assert manifest()["passages"]["kind"] == "hnsw" and built
    small = replace(ann, dense=DenseSettings(ann_min_vectors=10_000))
    remove_documents(IndexStore(small.index_dir, small.dense), set())
    assert manifest()["passages"]["kind"] == "flat"


def test_documents_added_one_ingest_at_a_time_equal_one_ingest_of_all(
        tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    """Appending grows the saved indexes in place; a changed file is rebuilt around: both give
    the snapshot a single ingest of the same files gives."""
    from dataclasses import replace

    import numpy as np

    first, second = sorted(CORPUS.glob("*.txt"))
    one_by_one = replace(settings, index_dir=tmp_path / "one-by-one")
    _ingest([first], one_by_one, fake_embedder)
    _ingest([second], one_by_one, fake_embedder)
    together = replace(settings, index_dir=tmp_path / "together")
    _ingest([first, second], together, fake_embedder)
    a, b = IndexStore(one_by_one.index_dir).load(), IndexStore(together.index_dir).load()
    assert [p.id for p in a.passages] == [p.id for p in b.passages]
    assert np.array_equal(a.vectors, b.vectors) and np.array_equal(a.sentence_vectors, b.sentence_vectors)
    # A changed file: its rows are dropped, the other document's rows are kept as they were.
    copy = tmp_path / "docs" / first.name
    copy.parent.mkdir()
    copy.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    changing = replace(settings, index_dir=tmp_path / "changing")
    _ingest([copy, second], changing, fake_embedder)
    copy.write_text(first.read_text(encoding="utf-8") + "\nHội nghị bế mạc.", encoding="utf-8")
    report = _ingest([copy], changing, fake_embedder)
    assert len(report.replaced) == 1
    after = IndexStore(changing.index_dir).load()
    kept = [i for i, p in enumerate(after.passages) if p.document_id != report.added[0][1]]
    assert len(after.vectors) == len(after.passages) and after.passages[-1].text.endswith("bế mạc.")
    assert np.array_equal(after.vectors[kept], fake_embedder.embed_passages(
        [after.passages[i].embed_text for i in kept]))


def test_reserved_storage_does_not_move_while_rows_are_added() -> None:
    import numpy as np

    from index.dense import DenseIndex
    from index.settings import DenseSettings

    rng = np.random.default_rng(0)
    for ann_min in (10_000, 10):  # exact, then HNSW
        index = DenseIndex.empty(8, 500, DenseSettings(ann_min_vectors=ann_min))
        index.reserve(500)
        address = int(index._storage().get_xb())
        for _ in range(5):
            index.add(rng.standard_normal((100, 8)).astype(np.float32))
        assert index.size == 500 and int(index._storage().get_xb()) == address


def test_progress_is_reported_for_reading_then_embedding(
        tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    first, second = sorted(CORPUS.glob("*.txt"))
    _ingest([first], settings, fake_embedder)
    seen: list[tuple[str, str]] = []
    ingest_paths([first, second, bad], IndexStore(settings.index_dir), fake_embedder, settings,
                 on_file=lambda path, stage: seen.append((path.name, stage)))
    assert seen == [(first.name, "reading"), (first.name, "unchanged"), (second.name, "reading"),
                    (bad.name, "reading"), (bad.name, "skipped"), (second.name, "embedding")]


def test_identical_texts_are_embedded_once(tmp_path: Path, settings: Settings) -> None:
    """A one-sentence passage without a section prefix is its own sentence; a repeated sentence
    is embedded once; each still gets its vector, in place."""
    from index.store import IndexStore as Store

    class Counting(FakeEmbedder):
        def __init__(self) -> None:
            self.seen: list[str] = []

        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            self.seen.extend(texts)
            return super().embed_passages(texts)

    doc = tmp_path / "ghi-chu.txt"
    doc.write_text("Hội nghị lần thứ 31 bế mạc vào ngày 5 tháng 7 năm 2024 tại thành phố.\n\n"
                   "Đại biểu thống nhất cao. Đại biểu thống nhất cao.\n", encoding="utf-8")
    embedder = Counting()
    report = ingest_paths([doc], Store(settings.index_dir), embedder, settings)
    assert len(report.added) == 1
    assert len(embedder.seen) == len(set(embedder.seen))
    snapshot = Store(settings.index_dir).load()
    sentences = [s for p in snapshot.passages for s in p.sentence_texts()]
    assert len(sentences) > len(set(sentences))  # the repeat is still indexed as a sentence
    plain = FakeEmbedder()
    assert np.allclose(snapshot.sentence_vectors, plain.embed_passages(sentences))
    assert np.allclose(snapshot.vectors,
                       plain.embed_passages([p.embed_text for p in snapshot.passages]))


def test_documents_are_embedded_in_runs(tmp_path: Path, settings: Settings) -> None:
    """Consecutive small documents share one embedding run (less padding); each still gets
    exactly its own vectors."""
    from dataclasses import replace

    calls: list[int] = []

    class Counting(FakeEmbedder):
        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return super().embed_passages(texts)

    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(6):
        (folder / f"note-{i}.txt").write_text(f"Hội nghị lần thứ {i + 20} thống nhất {i} nội dung. "
                                              f"Đại biểu số {i} phát biểu.\n", encoding="utf-8")
    grouped = replace(settings, model=replace(settings.model, embed_group=8))
    report = ingest_paths([folder], IndexStore(grouped.index_dir), Counting(), grouped)
    assert len(report.added) == 6
    assert len(calls) < 6 and sum(calls) > 0
    snapshot = IndexStore(grouped.index_dir).load()
    plain = FakeEmbedder()
    assert np.allclose(snapshot.vectors, plain.embed_passages([p.embed_text for p in snapshot.passages]))
    sentences = [s for p in snapshot.passages for s in p.sentence_texts()]
    assert np.allclose(snapshot.sentence_vectors, plain.embed_passages(sentences))


def test_bm25_is_saved_by_the_first_search_load_and_rebuilt_when_missing_or_broken(
        settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from index.lexical import LexicalIndex, query_terms

    _ingest([CORPUS], settings, fake_embedder)
    store = IndexStore(settings.index_dir)
    saved = store.current_dir() / "bm25"
    assert store.load().lexical is None and not saved.exists()  # a writer's load builds nothing
    loaded = store.load(lexical=True)
    first = loaded.lexical
    assert first is not None and (saved / "terms.json").is_file()
    model_file = store.current_dir() / "diacritics.json"
    assert loaded.diacritics is not None and model_file.is_file()
    reread = store.load(lexical=True).diacritics
    assert reread is not None and reread.unigrams == loaded.diacritics.unigrams
    assert reread.bigrams == loaded.diacritics.bigrams
    assert reread.restore("muc tieu tang truong") == loaded.diacritics.restore("muc tieu tang truong")
    second = store.load(lexical=True)  # memory-mapped from bm25/
    assert second.lexical is not None
    rebuilt = LexicalIndex([p.embed_text for p in second.passages])
    for query in ["tăng trưởng GRDP năm 2024", "thanh pho", "Đảng bộ khóa XI"]:
        terms = query_terms(query)
        assert np.allclose(second.lexical.scores(terms), rebuilt.scores(terms))
        assert np.allclose(first.scores(terms), rebuilt.scores(terms))
        assert second.lexical.upper_bound(terms) == pytest.approx(rebuilt.upper_bound(terms))
        assert second.lexical.idf(terms[0]) == pytest.approx(rebuilt.idf(terms[0]))

    (saved / "terms.json").write_text("{broken", encoding="utf-8")
    repaired = store.load(lexical=True).lexical  # unreadable: rebuilt and written again
    assert repaired is not None and json.loads((saved / "terms.json").read_text())["passages"] > 0
    shutil.rmtree(saved)
    def refused(self: LexicalIndex, folder: Path) -> None:
        folder.mkdir()
        raise PermissionError(13, "read-only index directory")

    monkeypatch.setattr(LexicalIndex, "save", refused)  # running as root, chmod would not stop it
    read_only = store.load(lexical=True)  # rebuilt in memory, nothing left behind
    assert read_only.lexical is not None and not saved.exists()
    hits = HybridRetriever(read_only, fake_embedder, settings.retrieval).search("tăng trưởng GRDP", k=3)
    assert hits and hits[0].lexical_score and hits[0].lexical_score > 0
    assert not [p for p in saved.parent.iterdir() if p.name.endswith(".tmp")]  # no leftovers
