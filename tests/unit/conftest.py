"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from workspace_desktop import _http


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep the clients ask for (sync and async), without sleeping. Jitter gives its upper bound, and
    -1.0 (a sleep no test expects) if its lower bound is not 0."""
    asked: list[float] = []

    async def fake_async_sleep(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(_http.time, "sleep", asked.append)
    monkeypatch.setattr(_http.asyncio, "sleep", fake_async_sleep)
    monkeypatch.setattr(_http.random, "uniform", lambda low, high: (low, high)[1] if low == 0 else -1.0)
    return asked
