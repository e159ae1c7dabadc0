"""Suggestions → text (for people), Markdown (a CI job summary, a pull request comment) or JSON.

Everything that came from a capture (keys, values, file names) is shown with control characters, ANSI
escapes and bidirectional overrides made visible in text and Markdown (the same rule as ``deskkit validate``),
and escaped in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..report import visible
from .collect import Seen
from .propose import EnumProposal, FieldProposal, KnownSeen, QuirkProposal, Suggestions


def _seen(seen: Seen, total: int) -> dict[str, Any]:
    return {"responses": seen.responses, "of": total, "occurrences": seen.count, "first": seen.first,
            "pointer": seen.pointer}


def as_dict(s: Suggestions) -> dict[str, Any]:
    n = s.responses
    return {
        "corpus": {"responses": n, "verdicts": dict(sorted(s.verdicts.items())), "skipped": s.skipped,
                   "skipped_reasons": dict(sorted(s.skipped_reasons.items())), "min_count": s.min_count,
                   "below_min_count": s.below_min},
        "proposed_as": "documented" if s.documented else "known",
        "undocumented_fields": [
            {"pointer": f.pointer, "types": f.types, "examples": f.examples, "seen": _seen(f.seen, n),
             "proposed": f.schema, "reason": f.reason or None, "note": f.note or None, "left_out": f.left_out}
            for f in s.fields],
        "enum_values": [
            {"enum": e.enum, "pointers": e.pointers, "value": e.value, "seen": _seen(e.seen, n),
             "tolerated_by": e.tolerated_by, "reason": e.reason or None} for e in s.enum_values],
        "quirk_candidates": [
            {"quirk": q.quirk, "pointer": q.pointer or None, "summary": q.summary, "examples": q.examples,
             "seen": _seen(q.seen, n), "tolerate": q.tolerate, "declaration": q.declaration or None,
             "reason": q.reason or None} for q in s.quirks],
        "known_off_page": [{"rule": k.rule, "level": k.level, "what": "value" if k.value else "field",
                            "seen": _seen(k.seen, n)} for k in s.known],
        "retire_candidates": [{"quirk": r.quirk, "rule": r.rule, "seen_in": 0, "of": s.readable} for r in s.retire],
        "not_proposed": [{"pointer": o.pointer, "message": o.message, "rule": o.rule, "seen": _seen(o, n)}
                         for o in s.other],
        "unreadable": [{"at": at, "reason": reason} for at, reason in s.unreadable],
        "patch": s.patch,
    }


def render_json(s: Suggestions) -> str:
    return json.dumps(as_dict(s), indent=2) + "\n"


def _first(seen: Seen) -> str:
    return f"{visible(seen.first)} at {visible(seen.pointer) or '/'}"


def _count(seen: Seen, total: int) -> str:
    times = f", {seen.count} times" if seen.count != seen.responses else ""
    return f"in {seen.responses} of {total} responses{times}"


def _schema(schema: Any) -> str:
    return visible(json.dumps(schema, ensure_ascii=False))


def render_text(s: Suggestions) -> str:
    n = s.responses
    out = [_headline(s)]
    if s.fields:
        how = "properties" if s.documented else "properties known off the page (x-deskkit-known, level captures)"
        out.append(f"\nundocumented fields ({len(s.fields)}): proposed as {how}")
        for f in s.fields:
            out += _field_lines(f, n)
    if s.enum_values:
        how = "enum values" if s.documented else "values known off the page (x-deskkit-known-values, level captures)"
        out.append(f"\nvalues outside a documented enumeration ({len(s.enum_values)}): proposed as {how}")
        for e in s.enum_values:
            out += _enum_lines(e, n, s.documented)
    if s.known:
        out.append(f"\nalready known off the page ({len(s.known)}): not proposed again")
        out += [f"  {visible(k.rule) or '/'}: {_known(k, n)}" for k in s.known]
    if s.quirks:
        out.append(f"\nshapes no quirk declares ({len(s.quirks)}): proposed as quirks")
        for q in s.quirks:
            out += _quirk_lines(q, n)
    if s.retire:
        out.append(f"\ndeclared quirks never needed in these {s.readable} readable responses ({len(s.retire)}): "
                   "candidates to retire (not in the patch: retiring breaks tolerant consumers)")
        out += [f"  {r.quirk}  [{r.rule}]" for r in s.retire]
    if s.other:
        out.append(f"\nnot proposed ({len(s.other)}): constraints, missing properties, items of the wrong type")
        for o in s.other:
            rule = f"  [{visible(o.rule)}]" if o.rule else ""
            out.append(f"  {visible(o.pointer) or '/'}: {visible(o.message)}{rule}")
            out.append(f"    {_count(o, n)}; first: {_first(o)}")
    if s.unreadable:
        out.append(f"\nunreadable ({_unread(s)}): not in the proposals")
        out += [f"  {visible(at)}: {visible(reason)}" for at, reason in s.unreadable]
    out.append(f"\npatch: {len(s.patch)} operation(s) (--patch FILE writes them as JSON Patch, --apply OUT.yaml "
               "the patched spec)")
    return "\n".join(out) + "\n"


def _known(k: KnownSeen, n: int) -> str:
    times = "time" if k.seen.count == 1 else "times"
    return (f"{'a value' if k.value else 'a field'} known off the page ({k.level}), seen {k.seen.count} {times} "
            f"in {k.seen.responses} of {n} responses")


def _unread(s: Suggestions) -> str:
    """How many were unreadable, and how many of them are named."""
    count = s.verdicts.get("unreadable", 0)
    return f"{count}, the first {len(s.unreadable)} named" if count > len(s.unreadable) else str(count)


def unreadable_lines(s: Suggestions) -> list[str]:
    """One line per unreadable capture named, for standard error: where decoding stopped and why."""
    lines = [f"deskkit: {visible(at)}: unreadable capture: {visible(reason)}" for at, reason in s.unreadable]
    more = s.verdicts.get("unreadable", 0) - len(s.unreadable)
    if more > 0:
        lines.append(f"deskkit: and {more} more unreadable capture(s) (`deskkit validate` names them all)")
    return lines


def _headline(s: Suggestions) -> str:
    verdicts = ", ".join(f"{count} {verdict}" for verdict, count in sorted(s.verdicts.items()))
    skipped = f"; {s.skipped} skipped" if s.skipped else ""
    below = f"; {s.below_min} seen in fewer than {s.min_count} responses left out" if s.below_min else ""
    return f"deskkit suggest: {s.responses} responses ({verdicts or 'none'}){skipped}{below}"


def _field_lines(f: FieldProposal, n: int) -> list[str]:
    types = ", ".join(f"{t} x{c}" for t, c in f.types.items())
    lines = [f"  {visible(f.pointer)}", f"    {_count(f.seen, n)}; types: {types}; examples: "
             f"{visible(', '.join(f.examples))}", f"    first: {_first(f.seen)}"]
    lines.append(f"    proposed: {_schema(f.schema)}" if f.schema else f"    not proposed: {f.reason}")
    lines += [f"    note: {f.note}"] if f.note else []
    lines += [f"    left out: {visible(item)}" for item in f.left_out]
    return lines


def _enum_lines(e: EnumProposal, n: int, documented: bool) -> list[str]:
    how = f"tolerated by quirk {e.tolerated_by}" if e.tolerated_by else "a violation (no quirk tolerates it)"
    lines = [f"  {e.enum}: {visible(json.dumps(e.value, ensure_ascii=False))} {_count(e.seen, n)}, {how}",
             f"    first: {_first(e.seen)}"]
    where = "enum" if documented else "x-deskkit-known-values"
    lines += [f"    add to {p}/{where}" for p in e.pointers] if not e.reason else [f"    not proposed: {e.reason}"]
    return lines


def _quirk_lines(q: QuirkProposal, n: int) -> list[str]:
    lines = [f"  {q.quirk}: {visible(q.summary)}", f"    {_count(q.seen, n)}; examples: "
             f"{visible(', '.join(q.examples))}", f"    first: {_first(q.seen)}"]
    if q.reason:
        lines.append(f"    not proposed: {q.reason}")
    elif q.tolerate is not None:
        lines.append(f"    declare under /x-deskkit-quirks, tolerate at {q.pointer}: {_schema(q.tolerate)}")
    else:
        lines.append(f"    declare under /x-deskkit-quirks with scope {q.declaration.get('scope')}")
    return lines


def _cell(text: str) -> str:
    return visible(text).replace("|", "\\|").replace("`", "'")


def render_markdown(s: Suggestions) -> str:
    n = s.responses
    out = [f"### {_cell(_headline(s))}"]
    if s.fields:
        out += ["", f"#### Undocumented fields ({len(s.fields)})", "",
                "| property | seen | types | examples | first | proposed |", "|---|---|---|---|---|---|"]
        for f in s.fields:
            proposed = f"`{_cell(json.dumps(f.schema, ensure_ascii=False))}`" if f.schema else _cell(f.reason)
            types = ", ".join(f"{t} x{c}" for t, c in f.types.items())
            out.append(f"| `{_cell(f.pointer)}` | {f.seen.responses}/{n} | {types} | "
                       f"{_cell(', '.join(f.examples))} | {_cell(_first(f.seen))} | {proposed} |")
    if s.enum_values:
        out += ["", f"#### Values outside a documented enumeration ({len(s.enum_values)})", "",
                "| enumeration | value | seen | tolerated by | first |", "|---|---|---|---|---|"]
        for e in s.enum_values:
            out.append(f"| {e.enum} | `{_cell(json.dumps(e.value, ensure_ascii=False))}` | {e.seen.responses}/{n} "
                       f"| {e.tolerated_by or '— (violation)'} | {_cell(_first(e.seen))} |")
    if s.quirks:
        out += ["", f"#### Shapes no quirk declares ({len(s.quirks)})", "",
                "| quirk | property | summary | seen | first | tolerate |", "|---|---|---|---|---|---|"]
        for q in s.quirks:
            tolerate = f"`{_cell(json.dumps(q.tolerate))}`" if q.tolerate else _cell(q.reason or "(scope quirk)")
            out.append(f"| `{q.quirk}` | `{_cell(q.pointer or '(every property)')}` | {_cell(q.summary)} | "
                       f"{q.seen.responses}/{n} | {_cell(_first(q.seen))} | {tolerate} |")
    if s.known:
        out += ["", f"#### Already known off the page ({len(s.known)}): not proposed again", ""]
        out += [f"- `{_cell(k.rule or '/')}`: {_cell(_known(k, n))}" for k in s.known]
    if s.retire:
        out += ["", f"#### Declared quirks never needed in these {s.readable} readable responses ({len(s.retire)})", ""]
        out += [f"- `{r.quirk}` (`{r.rule}`): a candidate to retire (not in the patch)" for r in s.retire]
    if s.other:
        out += ["", f"#### Not proposed ({len(s.other)})", ""]
        out += [f"- `{_cell(o.pointer or '/')}`: {_cell(o.message)} ({o.responses}/{n}; first {_cell(_first(o))})"
                for o in s.other]
    if s.unreadable:
        out += ["", f"#### Unreadable ({_unread(s)}): not in the proposals", ""]
        out += [f"- {_cell(at)}: {_cell(reason)}" for at, reason in s.unreadable]
    out += ["", f"Patch: {len(s.patch)} operation(s)."]
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Suggestions], str]] = {"text": render_text, "markdown": render_markdown,
                                                      "json": render_json}
