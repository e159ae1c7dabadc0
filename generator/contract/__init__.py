"""The contract tools: they use only a *generated* package (never the spec's YAML).

    captures (files, JSON Lines, HAR, stdin → Capture) → judge (Capture → Result) → report (Result → json,
    text, junit); pool runs judge and render in worker processes; samples writes drawn payloads.

``bindings`` finds the generated package: ``--package``, else ``DESKKIT_PACKAGE``, else the one package
registered under the ``deskkit.bindings`` entry-point group.

The judge is also a plain library call: ``judge_lines(lines) -> results`` and ``summarize(results) -> summary``
(:mod:`.library`), which is what ``deskkit validate --dask`` runs on a cluster's workers.
"""

from .library import judge_lines, summarize

__all__ = ["judge_lines", "summarize"]
