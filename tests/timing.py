"""Near-linear time checks for parsers, robust to a busy machine (best of several timings)."""
from __future__ import annotations

import time
from collections.abc import Callable


def best_time(run: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` timings of `run()`, in seconds: load spikes only ever slow a run down."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def assert_near_linear(run_small: Callable[[], object], run_big: Callable[[], object], limit: float = 40) -> None:
    """The big input (about 20× the small one) must take less than `limit` × the small one's time."""
    small, big = best_time(run_small), best_time(run_big)
    assert big < limit * max(small, 1e-3), f"{big:.4f}s vs {small:.4f}s: super-linear parse time"
