"""Passage token states for late-interaction re-ranking (MaxSim).

The model's output state of every content token of a passage comes free with the passage's own
embedding run; a question's token states come with its vector. A passage's token score is the
mean, over the question's tokens, of each one's best cosine with a token of the passage
(ColBERT's MaxSim). Over the fused top 20 it lifted XQuAD en→vi R@1 0.806 → 0.829 (README
"Token re-ranking"): an English word finds the Vietnamese token it means, which a passage vector
averages away.

Stored int8 with one scale per token (388 bytes a token at 384 dimensions; cosine with the float
states > 0.9999), memory-mapped at load: ``tokens.npy`` [T, dim] int8, ``token_scales.npy`` [T]
float32, ``token_counts.npy`` [P] int32 (passage ``i`` owns the next ``counts[i]`` rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILES = ("tokens.npy", "token_scales.npy", "token_counts.npy")


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
        self.first = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)[:-1]]) if len(counts) else counts

    @classmethod
    def join(cls, parts: Sequence[PassageTokens], dim: int) -> TokenStates:
        if not parts:
            return cls(np.zeros((0, dim), np.int8), np.zeros(0, np.float32), np.zeros(0, np.int32))
        return cls(np.concatenate([p.states for p in parts]), np.concatenate([p.scales for p in parts]),
                   np.array([len(p.states) for p in parts], dtype=np.int32))

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
        for name, array in zip(FILES, (self.states, self.scales, self.counts), strict=True):
            np.save(folder / name, np.ascontiguousarray(array))

    @classmethod
    def load(cls, folder: Path) -> TokenStates | None:
        """The saved states, memory-mapped; None when the snapshot was written without them."""
        if not all((folder / name).exists() for name in FILES):
            return None
        states, scales, counts = (np.load(folder / name, mmap_mode="r") for name in FILES)
        return cls(states, scales, np.asarray(counts))
