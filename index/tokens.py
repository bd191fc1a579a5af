"""Passage token states for late-interaction re-ranking (MaxSim).

The model's output state of every content token of a passage comes free with the passage's own
embedding run; a question's token states come with its vector. A passage's token score is the
mean, over the question's tokens, of each one's best cosine with a token of the passage
(ColBERT's MaxSim). Over the fused top 20 it lifted XQuAD en→vi R@1 0.806 → 0.829 (README
"Token re-ranking"): an English word finds the Vietnamese token it means, which a passage vector
averages away.

Stored int8 with one scale per token (388 bytes a token at 384 dimensions; cosine with the float
states > 0.9999), memory-mapped at load: ``tokens.i8`` [T, dim] int8 and ``token_scales.f32``
[T] float32 (raw), ``token_counts.npy`` [P] int32 (passage ``i`` owns the next ``counts[i]``
rows). An ingest writes them to files as passages are embedded (``TokenWriter``), never holding
a batch's token states in memory.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

log = logging.getLogger(__name__)
STATES, SCALES, COUNTS = "tokens.i8", "token_scales.f32", "token_counts.npy"
_COPY_BYTES = 1 << 24  # kept token states are copied 16 MB at a time


@dataclass(frozen=True)
class PassageTokens:
    """One passage's token states, quantised: ``states`` int8 [n, dim], ``scales`` float32 [n]."""

    states: np.ndarray
    scales: np.ndarray

    @classmethod
    def quantise(cls, states: np.ndarray) -> PassageTokens:
        """Float token states (any norm) → int8 rows of unit vectors, one scale per row."""
        unit = states / np.maximum(np.linalg.norm(states, axis=1, keepdims=True), 1e-12)
        scales = np.maximum(np.abs(unit).max(axis=1), 1e-12) / 127.0
        return cls(np.round(unit / scales[:, None]).astype(np.int8), scales.astype(np.float32))


def _unit(states: np.ndarray, scales: np.ndarray) -> np.ndarray:
    rows = states.astype(np.float32) * scales[:, None]
    return np.asarray(rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12))


class TokenStates:
    """Every passage's token states in passage order (arrays, possibly memory-mapped)."""

    def __init__(self, states: np.ndarray, scales: np.ndarray, counts: np.ndarray) -> None:
        if len(states) != len(scales) or int(counts.sum()) != len(states):
            raise ValueError(f"{len(states)} token rows, {len(scales)} scales, counts sum {counts.sum()}")
        self.states, self.scales, self.counts = states, scales, counts
        self.folder: Path | None = None  # where its files are, when it was loaded from files
        self.owned = False  # those files are an ingest's own, to be moved into its snapshot
        self.first = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)[:-1]]) if len(counts) else counts

    @property
    def passages(self) -> int:
        return len(self.counts)

    @property
    def rows(self) -> int:
        return len(self.states)

    def passage(self, row: int) -> PassageTokens:
        lo = int(self.first[row])
        hi = lo + int(self.counts[row])
        return PassageTokens(np.asarray(self.states[lo:hi]), np.asarray(self.scales[lo:hi]))

    def maxsim(self, query: np.ndarray, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Mean over ``query``'s unit token states of their best cosine in each passage of ``rows``."""
        out = np.zeros(len(rows), dtype=np.float32)
        rows = np.asarray(rows, dtype=np.int64)
        counts = self.counts[rows].astype(np.int64) if len(rows) else np.zeros(0, np.int64)
        if len(query) == 0 or not counts.any():
            return out
        # One gather, one product, then each passage's best per question token.
        index = np.concatenate([np.arange(self.first[r], self.first[r] + c)
                                for r, c in zip(rows, counts, strict=True)])
        cosines = query @ _unit(np.asarray(self.states[index]), np.asarray(self.scales[index])).T
        held = counts > 0
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[held]
        out[held] = np.maximum.reduceat(cosines, starts, axis=1).mean(axis=0)
        return out

    def save(self, folder: Path) -> None:
        """Into snapshot ``folder``: files an ingest wrote are moved there, others written."""
        if self.folder is not None and self.owned:
            for name in (STATES, SCALES, COUNTS):
                shutil.move(self.folder / name, folder / name)
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder, self.owned = folder, False
            return
        np.ascontiguousarray(self.states, dtype=np.int8).tofile(folder / STATES)
        np.ascontiguousarray(self.scales, dtype=np.float32).tofile(folder / SCALES)
        np.save(folder / COUNTS, np.asarray(self.counts, dtype=np.int32))

    @classmethod
    def load(cls, folder: Path, dim: int) -> TokenStates | None:
        """The states in ``folder``, memory-mapped; None when it was written without them."""
        if not all((folder / name).exists() for name in (STATES, SCALES, COUNTS)):
            return None
        counts = np.load(folder / COUNTS)
        rows = int(counts.sum())
        if ((folder / STATES).stat().st_size != rows * dim
                or (folder / SCALES).stat().st_size != rows * 4):
            log.warning("%s: token state files do not match their counts: not used", folder)
            return None
        if rows == 0:  # numpy cannot map an empty file
            out = cls(np.zeros((0, dim), np.int8), np.zeros(0, np.float32), counts)
        else:
            out = cls(np.memmap(folder / STATES, dtype=np.int8, mode="r", shape=(rows, dim)),
                      np.memmap(folder / SCALES, dtype=np.float32, mode="r", shape=(rows,)), counts)
        out.folder = folder
        return out


class TokenWriter:
    """Token states appended to files in ``folder`` passage by passage, up to ``limit`` rows:
    past it the writer gives up (``full``) and the snapshot is searched without them."""

    def __init__(self, folder: Path, dim: int, limit: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.dim, self.limit = folder, dim, limit
        self.counts: list[int] = []
        self.rows = 0
        self.full = False
        self._states: BinaryIO = (folder / STATES).open("wb")
        self._scales: BinaryIO = (folder / SCALES).open("wb")

    def _fits(self, rows: int) -> bool:
        """Whether ``rows`` more stay within the limit; past it the writer gives up, once."""
        if self.full:
            return False
        if self.rows + rows > self.limit:
            log.warning("token states past DenseSettings.token_states_max (%d rows): the index is "
                        "searched without token re-ranking", self.limit)
            self.full = True
        return not self.full

    def add(self, part: PassageTokens) -> None:
        if not self._fits(len(part.states)):
            return
        self._states.write(np.ascontiguousarray(part.states, dtype=np.int8).tobytes())
        self._scales.write(np.ascontiguousarray(part.scales, dtype=np.float32).tobytes())
        self.counts.append(len(part.states))
        self.rows += len(part.states)

    def add_kept(self, tokens: TokenStates, keep: np.ndarray) -> None:
        """The rows of the passages ``keep`` marks, copied run by run of kept passages: read from
        their files when they have them (a memory map would pull every page into the process)."""
        rows = int(tokens.counts[keep].sum())
        if not self._fits(rows):
            return
        edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
        for first, last in zip(edges[::2], edges[1::2], strict=True):  # passages [first, last)
            lo = int(tokens.first[first])
            hi = int(tokens.first[last - 1] + tokens.counts[last - 1])
            self._copy(tokens, STATES, lo, hi, self._states)
            self._copy(tokens, SCALES, lo, hi, self._scales)
        self.counts.extend(int(c) for c in tokens.counts[keep])
        self.rows += rows

    def _copy(self, tokens: TokenStates, name: str, lo: int, hi: int, out: BinaryIO) -> None:
        """Rows ``[lo, hi)`` of ``tokens``' states or scales onto ``out``."""
        if tokens.folder is None:
            array = tokens.states if name == STATES else tokens.scales
            out.write(np.ascontiguousarray(array[lo:hi]).tobytes())
            return
        size = self.dim if name == STATES else 4
        start, end = lo * size, hi * size
        with (tokens.folder / name).open("rb") as fh:
            fh.seek(start)
            while start < end:
                block = fh.read(min(_COPY_BYTES, end - start))
                if not block:
                    raise OSError(f"{tokens.folder / name}: shorter than its counts")
                out.write(block)
                start += len(block)

    def finish(self) -> TokenStates | None:
        """The states written, memory-mapped (None, and the files gone, if it gave up)."""
        self._states.close()
        self._scales.close()
        if self.full:
            shutil.rmtree(self.folder, ignore_errors=True)
            return None
        np.save(self.folder / COUNTS, np.asarray(self.counts, dtype=np.int32))
        out = TokenStates.load(self.folder, self.dim)
        if out is not None:
            out.owned = True
        return out

    def discard(self) -> None:
        """Give up without a word (a passage came without token states) and remove the files."""
        self.full = True
        self.finish()
