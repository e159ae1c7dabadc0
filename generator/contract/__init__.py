"""The contract tools: they use only a *generated* package (never the spec's YAML).

    captures (files, JSON Lines, HAR, stdin → Capture) → judge (Capture → Result) → report (Result → json,
    text, junit); pool runs judge and render in worker processes; samples writes drawn payloads.

``bindings`` finds the generated package: ``--package``, else ``DESKKIT_PACKAGE``, else the one package
registered under the ``deskkit.bindings`` entry-point group.
"""
