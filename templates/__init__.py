"""deskkit's templates, shipped as package data (``deskkit_templates``) so an installed deskkit can generate.

- ``*.py.j2``: what varies with the spec, one template per emitted module (``_macros.j2``: shared parse
  statements);
- ``static/``: code that does not vary, copied verbatim into every generated package under the header.
"""
