"""Which fault, if any, a request gets: each at its own share of requests, in an order fixed by the seed."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping

from .config import FAULTS


class Faults:
    """Decides, per request and in a seeded order, which fault (if any) to inject; at most ``limit`` in all."""

    def __init__(self, rates: Mapping[str, float], limit: int | None, seed: int) -> None:
        self.rates = {fault: rates.get(fault, 0.0) for fault in FAULTS if rates.get(fault, 0.0)}
        self.limit, self.rng, self.lock = limit, random.Random(seed), threading.Lock()
        self.injected = 0

    def pick(self) -> str | None:
        if not self.rates:
            return None
        with self.lock:  # the in-process variant may be called from several threads
            if self.limit is not None and self.injected >= self.limit:
                return None
            # One draw, and each fault its own stretch of [0, 1): a rate is the share of all requests (tried
            # one after the other, a fault got its rate of what the faults before it left).
            draw, start = self.rng.random(), 0.0
            for fault, rate in self.rates.items():
                start += rate
                if draw < start:
                    self.injected += 1
                    return fault
            return None
