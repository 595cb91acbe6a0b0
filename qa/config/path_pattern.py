"""Typed path patterns: call metadata read from a file's path without mis-assigning it.

A pattern is a template matched in full against the end of a file's path, without its extension — as many trailing
path parts as the pattern has ("/" separates them):

    "{agent_id}_{date:%Y%m%d}_{customer_id}"     agent_lan_20261121_0912345678.wav
    "{agent_id}/{date:%Y-%m-%d}/{customer_id}-*" recordings/agent_lan/2026-11-21/0912345678-1.wav

Each placeholder has a type, which decides what it may match:

- `{date}` / `{date:FORMAT}`: a strftime format (default `batch.date_format`) turned into a strict expression
  (`%Y` four digits, `%m` 01-12, `%d` 01-31, ...) and parsed into a real date (2026-02-30 does not match);
- `{agent_id}`: one of the agent ids known to the database (longest first), or the expression in
  `batch.path_fields.agent_id`, or `{agent_id:REGEX}`;
- any other name (customer_id, team, call_id, ...): `{name:REGEX}`, else `batch.path_fields.NAME`, else one or more
  characters other than "/".

`*` matches any characters other than "/"; other text is literal. A path that two readings fit (the same file
cut in two places) is reported as ambiguous and gets no metadata. A pattern starting with "re:" is a Python
regular expression with named groups instead (searched at the end of the path; `date` read with the date format).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# strftime directives -> strict expressions (only those a file name can carry)
DIRECTIVES = {
    "Y": r"\d{4}", "y": r"\d{2}", "m": r"(?:0[1-9]|1[0-2])", "d": r"(?:0[1-9]|[12]\d|3[01])",
    "H": r"(?:[01]\d|2[0-3])", "M": r"[0-5]\d", "S": r"[0-5]\d", "j": r"(?:00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])",
    "b": r"[A-Za-z]{3}", "%": "%",
}
DEFAULT_FIELD = r"[^/]+"
AGENT = "agent_id"
DATE = "date"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Field:
    """One placeholder: its name, its expression, how it was chosen (for `callqa batch plan`), and for a date
    the strftime format it is parsed with."""

    name: str
    regex: str
    source: str
    date_format: str | None = None
    shortest_first: str | None = None  # the known agent ids shortest first: the other reading of an alternation
    free: bool = False                 # the default class: lazy and greedy readings differ where a file is ambiguous


@dataclass(frozen=True)
class PathMatch:
    """What a pattern read from one path: `meta` (agent_id, date as YYYY-MM-DD, customer_id, ...) when it
    matched; else `reason` (why not, or the two readings of an ambiguous path)."""

    path: str
    meta: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    ambiguous: bool = False

    @property
    def matched(self) -> bool:
        return self.reason is None


def date_regex(fmt: str) -> str:
    """A strict expression for strftime format `fmt` (ValueError naming an unsupported directive)."""
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%":
            code = fmt[i + 1] if i + 1 < len(fmt) else ""
            if code not in DIRECTIVES:
                raise ValueError(f"date format {fmt!r}: %{code} is not supported in file names "
                                 f"(use {', '.join('%' + k for k in DIRECTIVES if k != '%')})")
            out.append(DIRECTIVES[code])
            i += 2
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def _tokens(pattern: str) -> list[tuple[str, str, str | None]]:
    """("lit", text, None), ("star", "*", None) and ("field", name, spec or None) in order."""
    out: list[tuple[str, str, str | None]] = []
    lit, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if lit:
                out.append(("lit", lit, None))
            out.append(("star", "*", None))
            lit, i = "", i + 1
            continue
        if ch != "{":
            lit += ch
            i += 1
            continue
        name = _NAME.match(pattern, i + 1)
        if not name:
            raise ValueError(f"'{{' at character {i + 1} must start a placeholder such as {{agent_id}}")
        j, spec = name.end(), None
        if j < len(pattern) and pattern[j] == ":":
            depth, k = 1, j + 1
            while k < len(pattern) and depth:
                depth += {"{": 1, "}": -1}.get(pattern[k], 0)
                k += 1
            if depth:
                raise ValueError(f"placeholder {{{name.group()}: at character {i + 1} is not closed with '}}'")
            spec, j = pattern[j + 1:k - 1], k - 1
        if j >= len(pattern) or pattern[j] != "}":
            raise ValueError(f"placeholder {{{name.group()} at character {i + 1} is not closed with '}}'")
        if lit:
            out.append(("lit", lit, None))
        out.append(("field", name.group(), spec))
        lit, i = "", j + 1
    if lit:
        out.append(("lit", lit, None))
    return out


def _field(name: str, spec: str | None, date_format: str, agent_ids: tuple[str, ...] | None,
           regexes: Mapping[str, str]) -> Field:
    if name == DATE:
        fmt = spec or date_format
        return Field(name, date_regex(fmt), f"date {fmt}", date_format=fmt)
    given = spec or regexes.get(name)
    if given:
        try:
            re.compile(given)
        except re.error as exc:
            raise ValueError(f"{{{name}}}: {given!r} is not a valid regular expression ({exc})") from None
        return Field(name, f"(?:{given})", f"regex {given}")
    if name == AGENT and agent_ids:
        longest = sorted(agent_ids, key=lambda a: (-len(a), a))
        return Field(name, "|".join(map(re.escape, longest)), f"one of {len(agent_ids)} known agent id(s)",
                     shortest_first="|".join(map(re.escape, reversed(longest))))
    return Field(name, DEFAULT_FIELD, "any text without '/'", free=True)


@dataclass(frozen=True)
class PathPattern:
    """A compiled pattern (`compile_path_pattern`): `match(path)` reads one path."""

    pattern: str
    fields: tuple[Field, ...]
    parts: int                       # trailing path parts matched (0: a "re:" pattern, searched)
    regex: re.Pattern[str]           # the reading that takes the least text for each free field
    other: re.Pattern[str] | None    # the reading that takes the most (None: only one reading is possible)
    prefixes: tuple[tuple[re.Pattern[str], tuple[str, str, str | None]], ...] = ()
    date_format: str = "%Y%m%d"

    @property
    def agent_field(self) -> Field | None:
        return next((f for f in self.fields if f.name == AGENT), None)

    def describe(self) -> str:
        """One line: each placeholder and what it matches."""
        return ", ".join(f"{{{f.name}}}: {f.source}" for f in self.fields) or "no placeholders"

    def match(self, path: str) -> PathMatch:
        stem = _stem(path)
        tail = stem if not self.parts else "/".join(stem.split("/")[-self.parts:])
        if self.parts and stem.count("/") + 1 < self.parts:
            return PathMatch(path, reason=f"has fewer folders than the pattern ({self.parts} path parts)")
        m = self.regex.search(stem) if not self.parts else self.regex.fullmatch(tail)
        if m is None:
            return PathMatch(path, reason=self._why(tail))
        meta = {k: v for k, v in m.groupdict().items() if v is not None}
        if self.other is not None:
            o = self.other.fullmatch(tail)
            if o is not None and o.groupdict() != m.groupdict():
                alt = {k: v for k, v in o.groupdict().items() if v is not None}
                return PathMatch(path, reason=f"is ambiguous: it reads as {_show(meta)} or as {_show(alt)} — "
                                              "give the fields a regex (batch.path_fields)", ambiguous=True)
        if DATE in meta:
            fmt = next((f.date_format for f in self.fields if f.name == DATE), None) or self.date_format
            try:
                meta[DATE] = datetime.strptime(meta[DATE], fmt).date().isoformat()
            except ValueError:
                return PathMatch(path, reason=f"{meta[DATE]!r} is not a real date in the format {fmt}")
        return PathMatch(path, meta)

    def _why(self, tail: str) -> str:
        """Where the pattern first stops fitting `tail`."""
        pos, before, after = 0, 0, ""
        for prefix, (kind, text, _spec) in self.prefixes:
            m = prefix.match(tail)
            if m is None:
                rest = tail[pos:pos + 40] or "(the end)"
                if kind == "lit":
                    where = f" after {after} in {tail[before:before + 40]!r}" if after else f" at {rest!r}"
                    return f"expected {text!r}{where}"
                f = next(f for f in self.fields if f.name == text) if kind == "field" else None
                if f is None:
                    return f"does not match at {rest!r}"
                if f.name == AGENT and f.shortest_first is not None:
                    return (f"{rest!r} does not start with a known agent id — add the agent "
                            "(callqa agents set ID) or set batch.path_fields.agent_id")
                return f"no {{{f.name}}} ({f.source}) at {rest!r}"
            before, after = pos, f"{{{text}}}" if kind == "field" else ""
            pos = m.end()
        return f"has {tail[pos:pos + 40]!r} left over after the pattern {self.pattern!r}"


def _show(meta: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v!r}" for k, v in meta.items())


def _stem(path: str) -> str:
    path = path.replace(os.sep, "/")
    head, _, name = path.rpartition("/")
    base = os.path.splitext(name)[0] or name
    return f"{head}/{base}" if head else base


def compile_path_pattern(pattern: str, date_format: str = "%Y%m%d", agent_ids: Iterable[str] | None = None,
                         regexes: Mapping[str, str] | None = None) -> PathPattern:
    """The typed pattern for template `pattern` (module docstring). `agent_ids`: the agent ids known to the
    database (None or empty: `{agent_id}` is a regex from `regexes`, or any text). ValueError naming the fault."""
    regexes = dict(regexes or {})
    ids = tuple(sorted({a for a in agent_ids or () if a}))
    if pattern.startswith("re:"):
        try:
            rx = re.compile(pattern[3:] + r"$")
        except re.error as exc:
            raise ValueError(f"batch.path_pattern is not a valid regular expression ({exc})") from None
        groups = tuple(Field(n, "", "regex group") for n in rx.groupindex)
        return PathPattern(pattern, groups, 0, rx, None, date_format=date_format)
    tokens = _tokens(pattern)
    fields: list[Field] = []
    lazy, greedy, prefixes = [], [], []
    for kind, text, spec in tokens:
        if kind == "lit":
            one = two = re.escape(text)
        elif kind == "star":
            one, two = "[^/]*?", "[^/]*"
        else:
            if any(f.name == text for f in fields):
                raise ValueError(f"batch.path_pattern {pattern!r} names {{{text}}} twice")
            f = _field(text, spec, date_format, ids, regexes)
            fields.append(f)
            if f.free:
                one, two = f"(?P<{text}>{f.regex}?)", f"(?P<{text}>{f.regex})"
            else:
                one, two = f"(?P<{text}>{f.regex})", f"(?P<{text}>{f.shortest_first or f.regex})"
        lazy.append(one)
        greedy.append(two)
        try:
            prefixes.append((re.compile("".join(lazy)), (kind, text, spec)))
        except re.error as exc:
            raise ValueError(f"batch.path_pattern {pattern!r} is not usable ({exc})") from None
    try:
        regex, other = re.compile("".join(lazy)), re.compile("".join(greedy))
    except re.error as exc:
        raise ValueError(f"batch.path_pattern {pattern!r} is not usable ({exc})") from None
    two_readings = any(f.free or f.shortest_first for f in fields) or any(k == "star" for k, _, _ in tokens)
    parts = sum(text.count("/") for kind, text, _ in tokens if kind == "lit") + 1
    return PathPattern(pattern, tuple(fields), parts, regex, other if two_readings else None,
                       tuple(prefixes), date_format)
