"""A hand-written stand-in for a generated package with several operations, for the mock's tests.

It has what the mock reads from generated bindings — ``OPERATIONS`` (with a ``pagination`` record on the
list operation, the shape the generator gives list operations) and ``strategies.valid/quirky(model name)`` —
so routing, item stores and pages are tested on more than the one operation the shipped spec has.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Pagination(NamedTuple):
    items: str
    total: str | None
    offset: str
    limit: str


class Operation(NamedTuple):
    id: str
    method: str
    path: str
    responses: dict[str, Any]
    pagination: Pagination | None = None


class PetResponse:
    """``{"pet": {"pet_id", "name"}}``"""


class PetPage:
    """``{"pets": [...], "total_count": N, "marker": "…"}``"""


class Created:
    """``{"job_id": "…"}``"""


class ErrorResponse:
    """``{"error_code", "error_msg"}``"""


OPERATIONS = (
    Operation("ShowPet", "GET", "/v1/{owner}/pets/{pet_id}", {"200": PetResponse, "404": ErrorResponse}),
    Operation("DeletePet", "DELETE", "/v1/{owner}/pets/{pet_id}", {"204": None, "404": ErrorResponse}),
    Operation("ListPets", "GET", "/v1/{owner}/pets/detail", {"200": PetPage},
              Pagination("pets", "total_count", "offset", "limit")),
    Operation("CreatePet", "POST", "/v1/{owner}/pets", {"201": Created, "400": ErrorResponse}),
)
