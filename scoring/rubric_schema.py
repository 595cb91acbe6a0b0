"""Load and validate rubric YAML files; every error names the file, the line and what is expected."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from transcribe.errors import InputError

NA_RULES = ("never", "no_customer_problem")
LANGS = ("en", "vi")


@dataclass(frozen=True)
class Criterion:
    """One rubric criterion. Phrase lists are per language; all languages are tried on every turn
    (calls mix Vietnamese and English)."""

    id: str
    name: dict[str, str]
    weight: float
    phrases: dict[str, tuple[str, ...]]
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    against: dict[str, tuple[str, ...]] = field(default_factory=dict)
    na_when: str = "never"
    description: str = ""

    def all_phrases(self, key: str = "phrases") -> tuple[str, ...]:
        lists: dict[str, tuple[str, ...]] = getattr(self, key)
        return tuple(p for lang in sorted(lists) for p in lists[lang])


@dataclass(frozen=True)
class Rubric:
    id: str
    version: str
    name: str
    criteria: tuple[Criterion, ...]
    problem_cues: dict[str, tuple[str, ...]]
    negative_threshold: float
    path: str

    def all_problem_cues(self) -> tuple[str, ...]:
        return tuple(p for lang in sorted(self.problem_cues) for p in self.problem_cues[lang])


def _plain(node: yaml.Node, lines: dict[tuple, int], where: tuple) -> Any:
    """Convert a composed YAML node to Python values, recording each value's line (1-based) by path."""
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _plain(v, lines, where + (str(k.value),)) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, lines, where + (i,)) for i, v in enumerate(node.value)]
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


class _Checker:
    def __init__(self, path: str, lines: dict[tuple, int]) -> None:
        self.path, self.lines = path, lines

    def fail(self, where: tuple, problem: str) -> None:
        line = self.lines.get(where)
        while line is None and where:
            where = where[:-1]
            line = self.lines.get(where)
        label = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in where).replace(".[", "[")
        raise InputError(self.path, f"line {line or 1}: {label or 'top level'}: {problem}",
                         "see the rubric schema in README.md (section 'Rubric files')")

    def get(self, obj: dict, key: str, where: tuple, kind: type | tuple, required: bool = True, default: Any = None) -> Any:
        if key not in obj:
            if required:
                self.fail(where, f"missing required key {key!r}")
            return default
        value = obj[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail(where + (key,), f"expected {names}, got {value!r}")
        return value

    def phrase_lists(self, obj: dict, key: str, where: tuple, required: bool) -> dict[str, tuple[str, ...]]:
        raw = self.get(obj, key, where, dict, required=required, default={})
        out = {}
        for lang, items in raw.items():
            if lang not in LANGS:
                self.fail(where + (key, lang), f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
            if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
                self.fail(where + (key, lang), "expected a list of non-empty phrases (strings)")
            out[lang] = tuple(p.strip() for p in items)
        return out


def load_rubric(path: str | os.PathLike) -> Rubric:
    """Read a rubric YAML file and validate it. Raises `InputError` with the file, line and expectation."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot read rubric file ({exc.strerror})", "check the rubric path setting") from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise InputError(path, f"{line}not valid YAML ({getattr(exc, 'problem', exc)})",
                         "fix the YAML syntax (indentation, quotes, colons)") from None
    if node is None:
        raise InputError(path, "rubric file is empty", "start from rubrics/last.yaml")
    lines: dict[tuple, int] = {}
    data = _plain(node, lines, ())
    c = _Checker(path, lines)
    if not isinstance(data, dict):
        c.fail((), "expected a mapping with keys id, version, criteria")
    rid = c.get(data, "id", (), str)
    version = str(c.get(data, "version", (), (str, int, float)))
    criteria_raw = c.get(data, "criteria", (), list)
    if not criteria_raw:
        c.fail(("criteria",), "expected at least one criterion")
    criteria, seen = [], set()
    for i, raw in enumerate(criteria_raw):
        where = ("criteria", i)
        if not isinstance(raw, dict):
            c.fail(where, "expected a mapping with keys id, weight, phrases")
        cid = c.get(raw, "id", where, str)
        if cid in seen:
            c.fail(where + ("id",), f"duplicate criterion id {cid!r}")
        seen.add(cid)
        weight = c.get(raw, "weight", where, (int, float))
        if weight <= 0:
            c.fail(where + ("weight",), f"expected a positive number, got {weight!r}")
        name = c.get(raw, "name", where, (dict, str), required=False, default=cid)
        na_when = c.get(raw, "na_when", where, str, required=False, default="never")
        if na_when not in NA_RULES:
            c.fail(where + ("na_when",), f"expected one of {', '.join(NA_RULES)}, got {na_when!r}")
        criteria.append(Criterion(
            id=cid, name=name if isinstance(name, dict) else {"en": name, "vi": name}, weight=float(weight),
            phrases=c.phrase_lists(raw, "phrases", where, required=True),
            exclude=c.phrase_lists(raw, "exclude", where, required=False),
            against=c.phrase_lists(raw, "against", where, required=False),
            na_when=na_when, description=str(raw.get("description", "")).strip()))
    threshold = c.get(data, "negative_threshold", (), (int, float), required=False, default=0.6)
    return Rubric(id=rid, version=version, name=str(data.get("name", rid)), criteria=tuple(criteria),
                  problem_cues=c.phrase_lists(data, "problem_cues", (), required=False),
                  negative_threshold=float(threshold), path=path)
