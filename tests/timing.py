"""Near-linear time checks for parsers, robust to a busy machine (best of several timings of this process's CPU)."""
from __future__ import annotations

import time
from collections.abc import Callable


def best_time(run: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` timings of `run()`, in CPU seconds of this process: other processes on a busy machine
    (the suite's other workers, a benchmark) do not count, and what spikes remain only ever slow a run down."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def assert_near_linear(run_small: Callable[[], object], run_big: Callable[[], object], limit: float = 40) -> None:
    """The big input (about 20× the small one) must take less than `limit` × the small one's time."""
    small, big = best_time(run_small), best_time(run_big)
    assert big < limit * max(small, 1e-3), f"{big:.4f}s vs {small:.4f}s: super-linear parse time"
