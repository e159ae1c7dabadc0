"""deskkit's generator: OpenAPI 3.1 spec → intermediate model → Jinja2 templates → Python bindings.

Pipeline: :mod:`.load` (YAML with line numbers) → :mod:`.check_spec` (OpenAPI structure and deskkit's
``x-deskkit-*`` extensions) → :mod:`.ir` (frozen dataclasses; every name and check decided) →
:mod:`.render` (templates only loop and print) → :mod:`.write` (files, or ``--check``).

Commands around the generated bindings: ``deskkit samples`` (:mod:`.samples`), ``deskkit validate``
(:mod:`.captures` → :mod:`.judge` → :mod:`.report`) and ``deskkit mock`` (:mod:`.mock`).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
