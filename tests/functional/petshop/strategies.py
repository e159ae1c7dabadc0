"""Strategies of the stand-in package: ``valid(model)`` and ``quirky(model)`` as the generated ones."""

from __future__ import annotations

from typing import Any, NamedTuple

from hypothesis import strategies as st

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)


class Drawn(NamedTuple):
    kind: str
    payload: Any


def _pet() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"name": NAMES}, optional={"pet_id": NAMES})


MODELS: dict[str, st.SearchStrategy[Any]] = {
    "PetResponse": st.fixed_dictionaries({"pet": _pet()}),
    "PetPage": st.fixed_dictionaries({"pets": st.lists(_pet(), max_size=3), "total_count": st.integers(0, 9),
                                      "marker": NAMES}),
    "Created": st.fixed_dictionaries({"job_id": NAMES}),
}


def valid(model: str) -> st.SearchStrategy[Drawn]:
    return MODELS[model].map(lambda p: Drawn("valid", p))


def quirky(model: str) -> st.SearchStrategy[Drawn]:
    """Only a pet response has a quirk (the pet wrapped in a one-item list); other models draw nothing."""
    if model != "PetResponse":
        return st.nothing()
    return MODELS[model].map(lambda p: Drawn("quirky", {"pet": [p["pet"]]}))
