"""What a setting expects, read from its dataclass annotation, and pydantic's errors as lines a person can act on.

`expectation(AsrSettings, "beam_size")` is "a whole number >= 1"; `explain(exc, Settings)` turns a pydantic
`ValidationError` into one line per wrong key: "asr.beam_size must be a whole number >= 1, not 'five'".
The same texts fill the tables of docs/configuration.md (tests/test_settings.py keeps them in step).
"""
from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterable
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from annotated_types import Ge, Gt, Interval, Le, Lt, MinLen
from pydantic import ValidationError

from transcribe.setting_types import Expect, Unit

_NOUNS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """(type, metadata) of a possibly `Annotated` type (nested Annotated is already flat)."""
    if get_origin(tp) is Annotated:
        base, *meta = get_args(tp)
        return base, meta
    return tp, []


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _bounds(meta: list[Any]) -> str:
    low: list[tuple[Any, str]] = []
    high: list[tuple[Any, str]] = []
    for m in meta:
        if isinstance(m, Interval):
            low += [(m.ge, ">="), (m.gt, ">")]
            high += [(m.le, "<="), (m.lt, "<")]
        elif isinstance(m, Ge):
            low.append((m.ge, ">="))
        elif isinstance(m, Gt):
            low.append((m.gt, ">"))
        elif isinstance(m, Le):
            high.append((m.le, "<="))
        elif isinstance(m, Lt):
            high.append((m.lt, "<"))
    low = [b for b in low if b[0] is not None]
    high = [b for b in high if b[0] is not None]
    lo = max(low, key=lambda b: b[0]) if low else None
    hi = min(high, key=lambda b: b[0]) if high else None
    if lo and hi and lo[1] == ">=" and hi[1] == "<=":
        return f" from {_num(lo[0])} to {_num(hi[0])}"
    return "".join(f" {b[1]} {_num(b[0])}" for b in (lo, hi) if b)


def describe(tp: Any) -> str:
    """What a value of annotation `tp` must be, in words ("a number of seconds >= 0 or null")."""
    base, meta = _unwrap(tp)
    for m in meta:
        if isinstance(m, Expect):
            return m.text
    origin = get_origin(base)
    if origin in (Union, types.UnionType):
        args = get_args(base)
        options = [describe(a) for a in args if a is not type(None)]
        return " or ".join(options) + (" or null" if len(options) < len(args) else "")
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(base))
    if origin is list:
        return f"a list, each {describe(get_args(base)[0])}"
    if origin is dict:
        key, value = get_args(base)
        keys = "/".join(get_args(key)) if get_origin(key) is Literal else "names"
        return f"a mapping of {keys} to {describe(value)}"
    if dataclasses.is_dataclass(base):
        return "a mapping of settings"
    noun = _NOUNS.get(base, getattr(base, "__name__", str(base)))
    units = [m.name for m in meta if isinstance(m, Unit)]
    if units:
        noun = f"a number of {units[0]}"
    if base is str and any(isinstance(m, MinLen) and m.min_length >= 1 for m in meta):
        noun = "non-empty text"
    return noun + _bounds(meta)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls, include_extras=True)


def _section_class(tp: Any) -> type | None:
    """The dataclass a field holds (None when it holds a plain value)."""
    base, _ = _unwrap(tp)
    return base if isinstance(base, type) and dataclasses.is_dataclass(base) else None


def expectation(cls: type, name: str) -> str:
    """What field `name` of settings dataclass `cls` must be."""
    return describe(_hints(cls)[name])


def _locate(root: type, loc: tuple[Any, ...]) -> tuple[type, str | None, int]:
    """(dataclass, field name, depth of the field in `loc`) for an error location (field None: the class)."""
    cls, depth = root, 0
    for depth, part in enumerate(loc):
        hints = _hints(cls)
        if part not in hints:
            return cls, None, depth
        inner = _section_class(hints[part])
        if inner is None or depth == len(loc) - 1:
            return cls, part, depth
        cls = inner
    return cls, None, len(loc)


def dotted(loc: Iterable[Any]) -> str:
    """`("asr", "temperature", 1)` -> "asr.temperature[1]" (pydantic's "[key]" markers dropped)."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _given(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def explain(exc: ValidationError, root: type, from_command_line: frozenset[str] = frozenset()) -> list[str]:
    """One line per error: the key, what was given, what is expected (and where a command-line value came from)."""
    lines = []
    for err in exc.errors():
        loc, kind = tuple(err["loc"]), err["type"]
        key = dotted(loc)
        cls, name, depth = _locate(root, loc)
        if kind in ("unexpected_keyword_argument", "invalid_key"):  # invalid_key: not text (YAML `1: x`)
            known = ", ".join(sorted(f.name for f in dataclasses.fields(cls)))
            section = dotted(loc[:-1])
            name_given = loc[-1] if kind == "unexpected_keyword_argument" else err["input"]
            line = (f"unknown setting {section}.{name_given} (known {section} settings: {known})" if section
                    else f"unknown setting {name_given!r} (known: {known})")
        elif kind in ("value_error", "assertion_error"):
            message = str(err.get("ctx", {}).get("error", err["msg"]))
            line = message if message.startswith(key) else f"{key}: {message}"
        else:
            if name is None or _section_class(_hints(cls)[name]) is not None:
                expected = f"a mapping of {key or 'settings'} settings"
            else:
                expected = expectation(cls, name)
            line = f"{key or 'settings'} must be {expected}, not {_given(err['input'])}"
        field_key = dotted(loc[:depth + 1])
        if field_key in from_command_line:
            line += " (given on the command line)"
        lines.append(line)
    return lines
