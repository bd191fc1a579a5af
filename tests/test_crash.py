"""Crash safety: an ingest killed with SIGKILL at several moments leaves the previous index
loadable and answering, and rerunning it completes without duplicates; readers keep being served
during an ingest and never see a mix of two snapshots (fake embedder; marked slow: ~30 s)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from api.service import Service
from index.store import IndexStore
from tests.conftest import CORPUS, ROOT, FakeEmbedder, fake_settings

pytestmark = pytest.mark.slow

# A child process ingesting a folder with the fake embedder (slowed down so kills land mid-batch).
CHILD = """
import sys, time
from tests.conftest import FakeEmbedder, fake_settings
from api.service import Service
from pathlib import Path

class Slow(FakeEmbedder):
    def embed_passages(self, texts):
        time.sleep(0.02)
        return super().embed_passages(texts)

def progress(path, stage):
    print(stage, flush=True)

Service(fake_settings(Path(sys.argv[1])), Slow()).ingest([Path(sys.argv[2])], on_file=progress)
print("done", flush=True)
"""


def _batch(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    base = (CORPUS / "hoi-nghi-lan-thu-31-khoa-xi-2024-06.txt").read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"ban-tin-{i:03d}.txt").write_text(f"BẢN TIN SỐ {i}\n\n{base[: 1500 + 40 * i]}",
                                                     encoding="utf-8")
    return folder


def _child(index_dir: Path, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(index_dir), str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _check_answers(index_dir: Path) -> Service:
    service = Service(fake_settings(index_dir), FakeEmbedder())
    answer = service.ask("Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?")
    assert answer.found and answer.citations
    return service


def test_sigkill_at_any_moment_keeps_the_previous_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    Service(fake_settings(index_dir), FakeEmbedder()).ingest([CORPUS])
    before = set(IndexStore(index_dir).load().documents)
    folder = _batch(tmp_path / "batch", 40)

    # Each kill lands after the child has reported a given number of files read or embedded
    # (40 "reading" lines, then 40 "embedding"), the last ones after all of them: in the final
    # embedding run or while the snapshot is written. Progress, not wall-clock guesses, so a slow
    # or busy machine moves no kill past the end of the run.
    kills = 0
    for events, pause in ((10, 0.0), (40, 0.0), (41, 0.0), (60, 0.0), (80, 0.0), (80, 0.05)):
        child = _child(index_dir, folder)
        assert child.stdout is not None
        for _ in range(events):
            assert child.stdout.readline().strip() in ("reading", "embedding", "unchanged")
        time.sleep(pause)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(timeout=60)
        docs = set(IndexStore(index_dir).load().documents)  # loadable after every kill
        assert before <= docs
        _check_answers(index_dir)
        with IndexStore(index_dir).writer():  # the killed writer's lock died with it
            pass
    assert kills >= 4

    finish = _child(index_dir, folder)
    assert "done" in finish.communicate(timeout=300)[0]
    snapshot = IndexStore(index_dir).load()
    names = [d.name for d in snapshot.documents.values()]
    assert len(names) == len(set(names)) == 42  # every file once: no duplicates
    assert len({p.id for p in snapshot.passages}) == len(snapshot.passages)
    _check_answers(index_dir)


def test_readers_are_served_during_an_ingest_and_never_see_a_mix(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    service = Service(fake_settings(index_dir), FakeEmbedder())
    service.ingest([CORPUS])
    folder = _batch(tmp_path / "batch", 30)
    errors: list[BaseException] = []
    served = 0
    done = threading.Event()

    def read() -> None:
        nonlocal served
        while not done.is_set():
            try:
                loaded = service.loaded
                answer = service.ask("Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?")
                for c in answer.citations:  # every cited passage belongs to a loaded snapshot
                    assert c.document.text[c.start:c.end] == c.sentence
                assert loaded.snapshot.documents  # a whole snapshot, old or new
                served += 1
            except BaseException as exc:
                errors.append(exc)
                return

    readers = [threading.Thread(target=read) for _ in range(2)]
    for r in readers:
        r.start()
    service.ingest([folder])
    time.sleep(0.2)
    done.set()
    for r in readers:
        r.join(timeout=30)
    assert not errors, errors
    assert served > 5
    assert len(service.documents()) == 32
