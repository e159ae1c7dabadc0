"""Timing helpers shared by the benchmarks: interleaved rounds, medians, and the machine's load beside them.

Interleaving (A, B, C, A, B, C, …) rather than timing A then B then C keeps a change in the machine's load
from favouring whichever contender ran during the quiet part; the median of the rounds drops the outliers.
"""

from __future__ import annotations

import os
import statistics
import timeit
from collections.abc import Callable, Mapping
from typing import Any


def interleaved(contenders: Mapping[str, Callable[[], Any]], number: int, rounds: int) -> dict[str, float]:
    """Median µs per call of each contender over ``rounds`` interleaved rounds of ``number`` calls."""
    return {name: statistics.median(values) for name, values in timed_rounds(contenders, number, rounds).items()}


def timed_rounds(contenders: Mapping[str, Callable[[], Any]], number: int, rounds: int) -> dict[str, list[float]]:
    """µs per call of each contender in each of ``rounds`` interleaved rounds of ``number`` calls."""
    timers = {name: timeit.Timer(func) for name, func in contenders.items()}
    for timer in timers.values():
        timer.timeit(max(1, number // 10))  # warm caches and lazily built validators
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, timer in timers.items():
            samples[name].append(timer.timeit(number) / number * 1e6)
    return samples


def round_ratio(samples: Mapping[str, list[float]], numerator: str, denominator: str) -> float:
    """The median of each round's own ratio: a round's runs are milliseconds apart, so they share the
    machine's state (a neighbour of this VM moved whole rounds by a fifth, and a ratio of two medians taken
    from different rounds with it)."""
    return statistics.median(a / b for a, b in zip(samples[numerator], samples[denominator], strict=True))


def load() -> str:
    """The 1-, 5- and 15-minute load averages, for the reader to judge how quiet the machine was."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"
