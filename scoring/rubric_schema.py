"""Load and validate rubric YAML files; every error names the file, the line and what is expected."""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from scoring.metrics import DEFAULT_BACKCHANNELS, MetricsOptions
from scoring.phrases import flatten
from scoring.rules import RULES
from transcribe.errors import InputError, yaml_error

MAX_RUBRIC_BYTES = 1_000_000
MAX_GAPS = 3  # '*' gaps in one phrase
MAX_PHRASE_CHARS = 300

# na_when: never | no_customer_problem (no complaint cue, no negative sentiment, no long hold) | no_hold |
# customer_not_upset (no complaint cue, no negative sentiment) | no_escalation_request
NA_RULES = ("never", "no_customer_problem", "no_hold", "customer_not_upset", "no_escalation_request")
EFFECTS = ("decide", "evidence")
LANGS = ("en", "vi")
DEFAULT_LEVELS = ((1, "disappointing", 0.0), (2, "below expectations", 40.0), (3, "fair", 60.0),
                  (4, "good", 75.0), (5, "excellent", 90.0), (6, "amazing", 100.0))


@dataclass(frozen=True)
class RuleSpec:
    """A context rule applied to a criterion: `rule` names a function in `scoring.rules.RULES`.
    `effect`: "decide" (its evidence for earns the point) or "evidence" (shown, decides nothing);
    `fail_at`: that many pieces of evidence against fail the criterion (None: never)."""

    rule: str
    effect: str = "decide"
    fail_at: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceLevel:
    level: int
    name: str
    min_total: float


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
    # agent phrases that show the customer had a problem ("sorry for the wait"): with na_when
    # no_customer_problem, the criterion then applies even when no problem cue was heard
    shows_problem: dict[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""
    rules: tuple[RuleSpec, ...] = ()
    critical: bool = False
    _flat: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def all_phrases(self, key: str = "phrases") -> tuple[str, ...]:
        """Every language's phrases of `key` (phrases, exclude, against) in one tuple (computed once)."""
        if key not in self._flat:
            lists: dict[str, tuple[str, ...]] = getattr(self, key)
            self._flat[key] = tuple(p for lang in sorted(lists) for p in lists[lang])
        return self._flat[key]


@dataclass(frozen=True)
class Rubric:
    id: str
    version: str
    name: str
    criteria: tuple[Criterion, ...]
    problem_cues: dict[str, tuple[str, ...]]
    negative_threshold: float
    path: str
    critical: tuple[Criterion, ...] = ()
    service_levels: tuple[ServiceLevel, ...] = ()
    metrics: MetricsOptions = field(default_factory=MetricsOptions)
    long_hold_seconds: float = 60.0
    escalation: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    low_confidence_share: float = 0.2
    sha256: str = ""  # of the file's canonical content (`content_sha256`): what scored a call, beyond id and version

    def needs_audio(self) -> bool:
        """True when a rule measures the voice (loudness, pitch)."""
        return any(RULES[r.rule][2] for c in self.criteria for r in c.rules)

    def describe(self) -> dict[str, Any]:
        """What a stored call records of the rubric that scored it: id, version, file and service-level scale
        ([level, name, min_total], which turns a total with a reviewer's overrides into a level) and the content
        hash, which tells two rubrics apart that carry the same id and version."""
        return {"id": self.id, "version": self.version, "path": self.path, "sha256": self.sha256,
                "levels": [[lv.level, lv.name, lv.min_total] for lv in self.service_levels]}

    def level_for(self, total: float | None) -> ServiceLevel | None:
        if total is None or not self.service_levels:
            return None
        return [lv for lv in self.service_levels if total >= lv.min_total][-1]

    def all_problem_cues(self) -> tuple[str, ...]:
        """Every language's problem cues in one tuple (the same tuple on every call)."""
        return flatten(self.problem_cues)


def content_sha256(data: Any) -> str:
    """sha256 of a rubric's canonical content: its parsed YAML as sorted, compact JSON — the same for the same
    rules however the file is laid out (comments, key order, quoting, indentation), different when a weight, a
    phrase or a threshold changes."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
                         "see the rubric schema in docs/rubric.md (section 'Rubric files')")

    def get(self, obj: dict, key: str, where: tuple, kind: type | tuple, required: bool = True,
            default: Any = None) -> Any:
        if key not in obj:
            if required:
                self.fail(where, f"missing required key {key!r}")
            return default
        value = obj[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail(where + (key,), f"expected {names}, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):  # .nan / .inf are YAML floats too
            self.fail(where + (key,), f"expected a finite number, got {value!r}")
        return value

    def number(self, obj: dict, key: str, where: tuple, default: float, low: float | None = 0.0,
               high: float | None = None) -> float:
        value = float(self.get(obj, key, where, (int, float), required=False, default=default))
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            self.fail(where + (key,), f"expected a number {span}, got {value:g}")
        return value

    def known_keys(self, obj: dict, where: tuple, allowed: tuple[str, ...]) -> None:
        for key in obj:
            if key not in allowed:
                self.fail(where + (key,), f"unknown key {key!r}; expected one of {', '.join(allowed)}")

    def rule(self, raw: Any, where: tuple) -> RuleSpec:
        if not isinstance(raw, dict):
            self.fail(where, "expected a mapping like {rule: restates_customer, ...}")
        name = self.get(raw, "rule", where, str)
        if name not in RULES:
            self.fail(where + ("rule",), f"unknown rule {name!r}; expected one of {', '.join(sorted(RULES))}")
        declared = RULES[name][1]
        self.known_keys(raw, where, ("rule", "effect", "fail_at") + tuple(declared))
        effect = self.get(raw, "effect", where, str, required=False, default="decide")
        if effect not in EFFECTS:
            self.fail(where + ("effect",), f"expected one of {', '.join(EFFECTS)}, got {effect!r}")
        fail_at = self.get(raw, "fail_at", where, int, required=False, default=None)
        if fail_at is not None and fail_at < 1:
            self.fail(where + ("fail_at",), f"expected a whole number of at least 1, got {fail_at!r}")
        params: dict[str, Any] = {}
        for key, (kind, default) in declared.items():
            if kind.startswith("phrases"):
                params[key] = self.phrase_lists(raw, key, where, required=kind == "phrases")
            else:
                params[key] = self.number(raw, key, where, default)
        return RuleSpec(name, effect, fail_at, params)

    def phrase_lists(self, obj: dict, key: str, where: tuple, required: bool) -> dict[str, tuple[str, ...]]:
        raw = self.get(obj, key, where, dict, required=required, default={})
        out = {}
        for lang, items in raw.items():
            if lang not in LANGS:
                self.fail(where + (key, lang), f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
            if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
                self.fail(where + (key, lang), "expected a list of non-empty phrases (strings)")
            for p in items:
                if len(p) > MAX_PHRASE_CHARS:
                    self.fail(where + (key, lang), f"a phrase of {len(p)} characters; at most {MAX_PHRASE_CHARS}")
                if p.split().count("*") > MAX_GAPS:
                    self.fail(where + (key, lang), f"{p!r} has {p.split().count('*')} '*' gaps; at most {MAX_GAPS} "
                              "(each gap multiplies the places a phrase can match)")
            out[lang] = tuple(p.strip() for p in items)
        return out


def _refuse_aliases(path: str, text: str) -> None:
    """Anchors and aliases (`&name`, `*name`) are refused before anything is built from them: a self-referencing
    alias loops forever and a "billion laughs" file of nested aliases grows to gigabytes. The YAML events are
    read once, in linear time."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else 1
            raise InputError(path, f"line {line}: YAML anchors and aliases (&name, *name) are not allowed in a rubric "
                             "file", "write each phrase list out in full (a phrase starting with '*' needs quotes)")


def load_rubric(path: str | os.PathLike) -> Rubric:
    """Read a rubric YAML file and validate it. Raises `InputError` with the file, line and expectation."""
    path = os.fspath(path)
    try:
        if os.path.getsize(path) > MAX_RUBRIC_BYTES:
            raise InputError(path, f"is {os.path.getsize(path):,} bytes; a rubric file is at most "
                             f"{MAX_RUBRIC_BYTES:,}", "check that it is a rubric (rubrics/last.yaml is ~20 kB)")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot read rubric file ({exc.strerror})", "check the rubric path setting") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})",
                         "save the rubric as UTF-8") from None
    try:
        _refuse_aliases(path, text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc) from None
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
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, raw in enumerate(criteria_raw):
        item = _criterion(c, raw, ("criteria", i), seen, critical=False)
        criteria.append(item)
    critical = [_criterion(c, raw, ("critical", i), seen, critical=True)
                for i, raw in enumerate(c.get(data, "critical", (), list, required=False, default=[]))]
    c.known_keys(data, (), TOP_KEYS)
    threshold = c.number(data, "negative_threshold", (), 0.6, 0.0, 1.0)
    metrics_raw = c.get(data, "metrics", (), dict, required=False, default={})
    c.known_keys(metrics_raw, ("metrics",), ("hold_min_seconds", "long_hold_seconds", "interruption_min_overlap",
                                             "backchannels"))
    backchannels = c.phrase_lists(metrics_raw, "backchannels", ("metrics",), required=False)
    metrics = MetricsOptions(
        hold_min_seconds=c.number(metrics_raw, "hold_min_seconds", ("metrics",), 20.0),
        interruption_min_overlap=c.number(metrics_raw, "interruption_min_overlap", ("metrics",), 0.5),
        backchannels=tuple(p for lang in sorted(backchannels) for p in backchannels[lang]) or DEFAULT_BACKCHANNELS)
    esc_raw = c.get(data, "escalation", (), dict, required=False, default={})
    c.known_keys(esc_raw, ("escalation",), ("requested", "performed"))
    escalation = {k: c.phrase_lists(esc_raw, k, ("escalation",), required=False) for k in ("requested", "performed")}
    return Rubric(id=rid, version=version, name=str(data.get("name", rid)), criteria=tuple(criteria),
                  problem_cues=c.phrase_lists(data, "problem_cues", (), required=False),
                  negative_threshold=threshold, path=path, critical=tuple(critical),
                  service_levels=_levels(c, data), metrics=metrics,
                  long_hold_seconds=c.number(metrics_raw, "long_hold_seconds", ("metrics",), 60.0),
                  escalation=escalation,
                  low_confidence_share=c.number(data, "low_confidence_share", (), 0.2, 0.0, 1.0),
                  sha256=content_sha256(data))


TOP_KEYS = ("id", "version", "name", "description", "negative_threshold", "problem_cues", "criteria", "critical",
            "service_levels", "metrics", "escalation", "low_confidence_share")
CRITERION_KEYS = ("id", "name", "weight", "description", "phrases", "exclude", "against", "na_when", "rules",
                  "shows_problem")


def _criterion(c: _Checker, raw: Any, where: tuple, seen: set, critical: bool) -> Criterion:
    if not isinstance(raw, dict):
        c.fail(where, "expected a mapping with keys id, weight, phrases")
    c.known_keys(raw, where, CRITERION_KEYS if not critical else ("id", "name", "description", "phrases", "exclude"))
    cid = c.get(raw, "id", where, str)
    if cid in seen:
        c.fail(where + ("id",), f"duplicate criterion id {cid!r}")
    seen.add(cid)
    weight = 0.0 if critical else c.get(raw, "weight", where, (int, float))
    if not critical and weight <= 0:
        c.fail(where + ("weight",), f"expected a positive number, got {weight!r}")
    name = c.get(raw, "name", where, (dict, str), required=False, default=cid)
    na_when = c.get(raw, "na_when", where, str, required=False, default="never")
    if na_when not in NA_RULES:
        c.fail(where + ("na_when",), f"expected one of {', '.join(NA_RULES)}, got {na_when!r}")
    rules = c.get(raw, "rules", where, list, required=False, default=[])
    return Criterion(
        id=cid, name=name if isinstance(name, dict) else {"en": name, "vi": name}, weight=float(weight),
        phrases=c.phrase_lists(raw, "phrases", where, required=True),
        exclude=c.phrase_lists(raw, "exclude", where, required=False),
        against=c.phrase_lists(raw, "against", where, required=False),
        shows_problem=c.phrase_lists(raw, "shows_problem", where, required=False),
        na_when=na_when, description=str(raw.get("description", "")).strip(),
        rules=tuple(c.rule(r, where + ("rules", k)) for k, r in enumerate(rules)), critical=critical)


def _levels(c: _Checker, data: dict) -> tuple[ServiceLevel, ...]:
    """`service_levels`: a list of {level, name, min}, levels 1, 2, ... with rising minimum totals, the first 0."""
    raw = c.get(data, "service_levels", (), list, required=False, default=None)
    if raw is None:
        return tuple(ServiceLevel(lv, name, m) for lv, name, m in DEFAULT_LEVELS)
    out: list[ServiceLevel] = []
    for k, item in enumerate(raw):
        where = ("service_levels", k)
        if not isinstance(item, dict):
            c.fail(where, "expected a mapping like {level: 1, name: disappointing, min: 0}")
        c.known_keys(item, where, ("level", "name", "min"))
        level = c.get(item, "level", where, int)
        if level != k + 1:
            c.fail(where + ("level",), f"expected level {k + 1} (levels count up from 1), got {level!r}")
        name = c.get(item, "name", where, str)
        if "min" not in item:
            c.fail(where, "missing required key 'min' (the lowest total of this level, 0-100)")
        low = c.number(item, "min", where, 0.0, 0.0, 100.0)
        if k == 0 and low != 0:
            c.fail(where + ("min",), f"expected 0 for the lowest level (every total needs a level), got {low:g}")
        if out and low <= out[-1].min_total:
            c.fail(where + ("min",),
                   f"expected more than {out[-1].min_total:g} (the previous level's min), got {low:g}")
        out.append(ServiceLevel(level, name, low))
    if not out:
        c.fail(("service_levels",), "expected at least one level")
    return tuple(out)
