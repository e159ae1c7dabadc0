"""deskkit: a schema-first code generator (:mod:`.codegen`) and the contract tools around what it generates
(:mod:`.contract`: validate, samples; :mod:`.mock`: the spec served over HTTP). :mod:`.cli` is the command.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
